using System.Globalization;
using System.Text.Json;

namespace R1Sharp.Training.Checkpointing;

/// <summary>
/// Crash-safe checkpoints under <c>&lt;run&gt;/checkpoints</c>: each is written into <c>checkpoint-N.tmp</c>, its files
/// fsynced, then renamed to <c>checkpoint-N</c>; the <c>latest</c> pointer is replaced last. A process killed at any
/// moment (even kill -9 mid-write) leaves either the previous complete checkpoint or the new one; stray
/// <c>.tmp</c> directories are removed on the next open.
/// </summary>
public sealed class CheckpointStore
{
    /// <summary>File holding the <see cref="TrainerState"/> inside a checkpoint.</summary>
    public const string StateFileName = "trainer_state.json";

    private const string LatestFileName = "latest";

    /// <summary>Opens (and creates) the checkpoint directory, removing incomplete checkpoints.</summary>
    public CheckpointStore(string runDirectory)
    {
        Root = Path.Combine(runDirectory, "checkpoints");
        Directory.CreateDirectory(Root);
        foreach (var tmp in Directory.GetDirectories(Root, "*.tmp")) Directory.Delete(tmp, recursive: true);
    }

    /// <summary>The checkpoints directory.</summary>
    public string Root { get; }

    /// <summary>Writes the checkpoint of <c>state.Step</c>: <paramref name="writeContents"/> fills the directory (weights, optimizer...), then the state is added and the directory published atomically.</summary>
    /// <param name="state">Trainer state to store beside the contents.</param>
    /// <param name="writeContents">Writes the model and optimizer files into the directory it is given.</param>
    /// <param name="keepLast">Keep this many newest checkpoints (0 = all).</param>
    /// <param name="cancellationToken">Cancels writing (the partial directory is removed).</param>
    public async Task<string> SaveAsync(TrainerState state, Func<string, Task> writeContents, int keepLast, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writeContents);
        string name = "checkpoint-" + state.Step.ToString(CultureInfo.InvariantCulture);
        string final = Path.Combine(Root, name);
        string temp = final + ".tmp";
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(temp);
        try
        {
            await writeContents(temp).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(temp, StateFileName), JsonSerializer.Serialize(state, JsonOptions), cancellationToken).ConfigureAwait(false);
            foreach (var file in Directory.GetFiles(temp, "*", SearchOption.AllDirectories)) FlushToDisk(file);
            if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
            Directory.Move(temp, final);
        }
        catch
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            throw;
        }
        string pointerTemp = Path.Combine(Root, LatestFileName + ".tmp");
        await File.WriteAllTextAsync(pointerTemp, name, cancellationToken).ConfigureAwait(false);
        FlushToDisk(pointerTemp);
        File.Move(pointerTemp, Path.Combine(Root, LatestFileName), overwrite: true);
        Prune(keepLast, name);
        return final;
    }

    /// <summary>The newest complete checkpoint (its directory and state), or null when there is none.</summary>
    /// <exception cref="InvalidDataException">The state file of the checkpoint is unreadable (named in the message).</exception>
    public (string Directory, TrainerState State)? Latest()
    {
        string pointer = Path.Combine(Root, LatestFileName);
        string? dir = null;
        if (File.Exists(pointer))
        {
            string candidate = Path.Combine(Root, File.ReadAllText(pointer).Trim());
            if (File.Exists(Path.Combine(candidate, StateFileName))) dir = candidate;
        }
        // The pointer is written last, so a crash between rename and pointer leaves a newer complete checkpoint: prefer it.
        var newest = Complete().LastOrDefault();
        if (newest.Directory is not null && (dir is null || newest.Step > StepOf(dir))) dir = newest.Directory;
        if (dir is null) return null;
        string statePath = Path.Combine(dir, StateFileName);
        try
        {
            var state = JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(statePath), JsonOptions)
                ?? throw new InvalidDataException($"{statePath}: empty trainer state.");
            return (dir, state);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{statePath}: unreadable trainer state: {e.Message}", e);
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    private IEnumerable<(string Directory, int Step)> Complete() =>
        Directory.GetDirectories(Root, "checkpoint-*")
            .Where(d => !d.EndsWith(".tmp", StringComparison.Ordinal) && File.Exists(Path.Combine(d, StateFileName)))
            .Select(d => (d, StepOf(d)))
            .Where(p => p.Item2 >= 0)
            .OrderBy(p => p.Item2);

    private static int StepOf(string dir) =>
        int.TryParse(Path.GetFileName(dir).AsSpan("checkpoint-".Length), NumberStyles.None, CultureInfo.InvariantCulture, out int s) ? s : -1;

    private void Prune(int keepLast, string justWritten)
    {
        if (keepLast <= 0) return;
        var all = Complete().ToList();
        foreach (var (dir, _) in all.Take(Math.Max(0, all.Count - keepLast)))
            if (Path.GetFileName(dir) != justWritten) Directory.Delete(dir, recursive: true);
    }

    private static void FlushToDisk(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Flush(flushToDisk: true);
    }
}
