using R1Sharp.Training.Zero;
using System.Globalization;
using R1Sharp.Checkpoints;
using R1Sharp.Models;
using R1Sharp.Tasks;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Grpo;
using static TorchSharp.torch;

namespace R1Sharp.Distillation.BuiltIn;

/// <summary>
/// The teacher of <c>r1 distill-zero</c>, found in an <c>r1 zero</c> run directory without changing it (the run may
/// still be going: unlike <see cref="CheckpointStore"/>, nothing here creates or removes files).
/// </summary>
/// <param name="CheckpointDirectory">The checkpoint to load: the run's newest complete one, or the directory given.</param>
/// <param name="Grpo">The run's GRPO settings (grpo_config.json), or null when the directory has none.</param>
/// <param name="Zero">The run's r1 zero settings (zero_config.json: corpus, tasks, evaluation), or null when the directory has none.</param>
public sealed record ZeroTeacherRun(string CheckpointDirectory, GrpoOptions? Grpo, ZeroOptions? Zero = null)
{
    /// <summary>Finds the teacher in <paramref name="directory"/>: an <c>r1 zero</c> run (newest checkpoint) or one checkpoint directory (config.json inside).</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">It holds neither a checkpoint nor a config.json (the message names what was looked for).</exception>
    /// <exception cref="InvalidDataException">A trainer_state.json is unreadable.</exception>
    /// <exception cref="ConfigurationException">grpo_config.json is invalid (the message names it).</exception>
    /// <exception cref="InvalidDataException">zero_config.json is invalid (the message names it).</exception>
    public static async Task<ZeroTeacherRun> FindAsync(string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: teacher directory not found (pass the --out directory of an r1 zero run)");
        string run = directory, checkpoint;
        if (File.Exists(Path.Combine(directory, "config.json")))
        {
            // A checkpoint given directly: its run's settings are two levels up (run/checkpoints/checkpoint-N).
            checkpoint = directory;
            var parent = Directory.GetParent(Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar));
            run = parent is { Name: "checkpoints", Parent: { } runDirectory } ? runDirectory.FullName : directory;
        }
        else
        {
            string checkpoints = Path.Combine(directory, "checkpoints");
            checkpoint = NewestCheckpoint(checkpoints) ?? throw new FileNotFoundException(
                $"{checkpoints}: no complete checkpoint (an r1 zero run holds checkpoints/checkpoint-N/{CheckpointStore.StateFileName}); " +
                "pass the --out directory of a finished r1 zero run, or a checkpoint directory", checkpoints);
        }
        string config = Path.Combine(run, GrpoTrainer.ConfigFileName);
        var grpo = File.Exists(config) ? await GrpoOptionsFile.LoadAsync(config, cancellationToken: cancellationToken).ConfigureAwait(false) : null;
        return new ZeroTeacherRun(checkpoint, grpo, await ZeroOptionsFile.LoadAsync(run, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Loads the teacher model and its tokenizer. The tokenizer must be the built-in task tokenizer (checked against the
    /// saved vocabulary, see <see cref="ModelDirectoryTokenizer.LoadTaskTokenizer"/>), and the model's vocabulary must match it.
    /// </summary>
    /// <exception cref="FileNotFoundException">The vocabulary file or config.json is missing (named in the message).</exception>
    /// <exception cref="InvalidDataException">The vocabulary, config or weights do not match (named in the message).</exception>
    public (CausalLanguageModel Model, TaskTokenizer Tokenizer) Load(Device device)
    {
        var tokenizer = ModelDirectoryTokenizer.LoadTaskTokenizer(CheckpointDirectory);
        var (model, config) = HuggingFaceCheckpoint.Load(CheckpointDirectory, device);
        if (config.VocabSize != tokenizer.VocabSize)
        {
            model.Dispose();
            throw new InvalidDataException($"{Path.Combine(CheckpointDirectory, "config.json")}: vocab_size {config.VocabSize} does not match the built-in task tokenizer's {tokenizer.VocabSize} tokens");
        }
        return (model, tokenizer);
    }

    /// <summary>The run's seed, when its GRPO settings are known (<c>r1 zero --seed</c> sets the task seed and the GRPO seed alike).</summary>
    public int? Seed => Grpo?.Seed;

    // The `latest` pointer when it names a complete checkpoint, else the highest-numbered complete one.
    private static string? NewestCheckpoint(string checkpoints)
    {
        if (!Directory.Exists(checkpoints)) return null;
        static bool Complete(string dir) => File.Exists(Path.Combine(dir, CheckpointStore.StateFileName));
        static int StepOf(string dir) =>
            int.TryParse(Path.GetFileName(dir).AsSpan("checkpoint-".Length), NumberStyles.None, CultureInfo.InvariantCulture, out int s) ? s : -1;
        var newest = Directory.GetDirectories(checkpoints, "checkpoint-*")
            .Where(d => !d.EndsWith(".tmp", StringComparison.Ordinal) && StepOf(d) >= 0 && Complete(d))
            .OrderBy(StepOf).LastOrDefault();
        string pointer = Path.Combine(checkpoints, "latest");
        if (File.Exists(pointer))
        {
            string named = Path.Combine(checkpoints, File.ReadAllText(pointer).Trim());
            if (Complete(named) && (newest is null || StepOf(named) >= StepOf(newest))) return named;
        }
        return newest;
    }
}
