using System.Text.Json;
using R1Sharp.IO;

namespace R1Sharp.Training.Checkpointing;

/// <summary>
/// Crash-safe checkpoints under <c>&lt;run&gt;/checkpoints</c>, for any trainer's state: each is written through
/// <see cref="AtomicDirectory"/> (an in-progress <c>checkpoint-N.tmp-XXXXXXXX</c> directory, its files fsynced, then
/// renamed to <c>checkpoint-N</c>); the <c>latest</c> pointer is replaced last. A process killed at any moment (even
/// kill -9 mid-write) leaves either the previous complete checkpoint or the new one; in-progress directories are
/// removed on the next open.
/// </summary>
/// <typeparam name="TState">The trainer's state, stored as <see cref="CheckpointStore.StateFileName"/> (snake_case JSON).</typeparam>
public sealed class CheckpointStore<TState> where TState : class, ICheckpointState
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    /// <summary>Opens (and creates) the checkpoint directory of <paramref name="runDirectory"/>, removing what interrupted saves left.</summary>
    /// <param name="runDirectory">The run directory.</param>
    /// <param name="owner">False for a data-parallel rank other than 0 (issue 17), which only reads checkpoints: it must
    /// not remove in-progress files, which may be rank 0's writes under way.</param>
    public CheckpointStore(string runDirectory, bool owner = true)
    {
        ArgumentNullException.ThrowIfNull(runDirectory);
        RunDirectory = Path.GetFullPath(runDirectory);
        Root = Path.Combine(RunDirectory, CheckpointStore.DirectoryName);
        Directory.CreateDirectory(Root);
        if (owner) CheckpointStore.RemoveLeftovers(RunDirectory);
    }

    /// <summary>The run directory.</summary>
    public string RunDirectory { get; }

    /// <summary>The checkpoints directory.</summary>
    public string Root { get; }

    /// <summary>Writes the checkpoint of <c>state.Step</c>: <paramref name="writeContents"/> fills the directory (weights, optimizer...), then the state is added and the directory published atomically.</summary>
    /// <param name="state">Trainer state to store beside the contents.</param>
    /// <param name="writeContents">Writes the model and optimizer files into the (empty) directory it is given.</param>
    /// <param name="keepLast">Keep this many newest checkpoints (0 = all).</param>
    /// <param name="cancellationToken">Cancels writing (the partial directory is removed).</param>
    /// <returns>The checkpoint's directory.</returns>
    public async Task<string> SaveAsync(TState state, Func<string, Task> writeContents, int keepLast, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writeContents);
        string name = CheckpointStore.NameOf(state.Step);
        string final = Path.Combine(Root, name);
        await AtomicDirectory.WriteAsync(final, async dir =>
        {
            await writeContents(dir).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(dir, CheckpointStore.StateFileName), JsonSerializer.Serialize(state, JsonOptions), cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        await AtomicFile.WriteAllTextAsync(Path.Combine(Root, CheckpointStore.LatestFileName), name, cancellationToken).ConfigureAwait(false);
        Prune(keepLast, name);
        return final;
    }

    /// <summary>The newest complete checkpoint (its directory and state), or null when there is none.</summary>
    /// <exception cref="InvalidDataException">The state file of the checkpoint is unreadable (named in the message).</exception>
    public (string Directory, TState State)? Latest()
    {
        string pointer = Path.Combine(Root, CheckpointStore.LatestFileName);
        string? dir = null;
        if (File.Exists(pointer))
        {
            string candidate = Path.Combine(Root, File.ReadAllText(pointer).Trim());
            if (File.Exists(Path.Combine(candidate, CheckpointStore.StateFileName))) dir = candidate;
        }
        // The pointer is written last, so a crash between rename and pointer leaves a newer complete checkpoint: prefer it.
        var complete = CheckpointStore.Complete(Root);
        if (complete.Count > 0 && (dir is null || complete[^1].Step > CheckpointStore.StepOf(dir))) dir = complete[^1].Directory;
        if (dir is null) return null;
        return (dir, ReadState(dir));
    }

    /// <summary>Reads the state stored in a checkpoint directory.</summary>
    /// <exception cref="InvalidDataException">The state file is missing or malformed; the message names it.</exception>
    public static TState ReadState(string checkpointDirectory)
    {
        string path = Path.Combine(checkpointDirectory, CheckpointStore.StateFileName);
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: not found; {checkpointDirectory} is not a complete checkpoint");
        try
        {
            return JsonSerializer.Deserialize<TState>(File.ReadAllText(path), JsonOptions)
                ?? throw new InvalidDataException($"{path}: empty trainer state");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: unreadable trainer state: {e.Message}", e);
        }
    }

    private void Prune(int keepLast, string justWritten)
    {
        if (keepLast <= 0) return;
        var all = CheckpointStore.Complete(Root);
        foreach (var (dir, _) in all.Take(Math.Max(0, all.Count - keepLast)))
            if (Path.GetFileName(dir) != justWritten) Directory.Delete(dir, recursive: true);
    }
}
