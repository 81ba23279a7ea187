using System.Globalization;
using System.Text.RegularExpressions;
using R1Sharp.IO;

namespace R1Sharp.Training.Checkpointing;

/// <summary>
/// The checkpoint layout every trainer shares (GRPO, SFT, the built-in pre-trainer):
/// <c>&lt;run&gt;/checkpoints/checkpoint-N/</c> holding the weights, <see cref="OptimizerFileName"/> and
/// <see cref="StateFileName"/>, and a <c>latest</c> pointer. <see cref="CheckpointStore{TState}"/> writes and reads it.
/// </summary>
public static partial class CheckpointStore
{
    /// <summary>File holding the trainer state inside a checkpoint.</summary>
    public const string StateFileName = "trainer_state.json";

    /// <summary>File holding the AdamW moments inside a checkpoint (TorchSharp's state-dict format).</summary>
    public const string OptimizerFileName = "optimizer.bin";

    /// <summary>Sub-directory of the run directory that holds the checkpoints.</summary>
    public const string DirectoryName = "checkpoints";

    /// <summary>Directory of the run directory that holds the trained model a run ends with (SFT).</summary>
    public const string FinalDirectoryName = "final";

    /// <summary>File in <see cref="DirectoryName"/> naming the newest checkpoint.</summary>
    public const string LatestFileName = "latest";

    /// <summary>Directory name of the checkpoint of <paramref name="step"/>.</summary>
    public static string NameOf(int step) => "checkpoint-" + step.ToString(CultureInfo.InvariantCulture);

    /// <summary>The step of a checkpoint directory named <c>checkpoint-N</c>, or -1 for any other name.</summary>
    public static int StepOf(string directory) =>
        Path.GetFileName(directory.TrimEnd(Path.DirectorySeparatorChar)) is { } name && name.StartsWith("checkpoint-", StringComparison.Ordinal)
        && int.TryParse(name.AsSpan("checkpoint-".Length), NumberStyles.None, CultureInfo.InvariantCulture, out int step) ? step : -1;

    /// <summary>The complete checkpoints (those with a state file) directly inside <paramref name="directory"/>, oldest first.</summary>
    public static IReadOnlyList<(string Directory, int Step)> Complete(string directory) =>
        !Directory.Exists(directory) ? [] :
        [.. Directory.GetDirectories(directory, "checkpoint-*")
            .Select(d => (Directory: d, Step: StepOf(d)))
            .Where(c => c.Step >= 0 && File.Exists(Path.Combine(c.Directory, StateFileName)))
            .OrderBy(c => c.Step)];

    /// <summary>Loads the AdamW moments stored at <paramref name="path"/> into <paramref name="optimizer"/>.</summary>
    /// <exception cref="InvalidDataException">The file is missing or unreadable (truncated, another format); the message names it.</exception>
    public static void RestoreOptimizer(TorchSharp.Modules.OptimizerHelper optimizer, string path)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: not found; the checkpoint is incomplete");
        try
        {
            optimizer.load_state_dict(path);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: unreadable optimizer state ({e.Message}); the checkpoint is damaged", e);
        }
    }

    /// <summary>
    /// Removes what interrupted saves left in a run directory and its checkpoints: in-progress names of
    /// <see cref="AtomicDirectory"/>'s scheme, and the shapes older versions left (<c>checkpoint-N.tmp</c>,
    /// <c>checkpoint-N.tmp.saving-*</c>, SFT's <c>.checkpoint-N.GUID.tmp</c> and <c>final.saving-*</c>).
    /// </summary>
    public static void RemoveLeftovers(string runDirectory)
    {
        string checkpoints = Path.Combine(runDirectory, DirectoryName);
        foreach (var directory in new[] { runDirectory, checkpoints })
        {
            if (!Directory.Exists(directory)) continue;
            AtomicDirectory.RemoveLeftovers(directory);
            foreach (var entry in Directory.EnumerateFileSystemEntries(directory).ToList())
            {
                if (!LegacyLeftover().IsMatch(Path.GetFileName(entry))) continue;
                if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
                else File.Delete(entry);
            }
        }
    }

    [GeneratedRegex(@"^(checkpoint-[0-9]+\.tmp(\..+)?|\.checkpoint-[0-9]+\.[0-9a-f]{32}\.tmp(\..+)?|final\.saving-.+|latest\.tmp)$", RegexOptions.CultureInvariant)]
    private static partial Regex LegacyLeftover();
}
