using R1Sharp.Training.Configuration;
using R1Sharp.Training.Metrics;

namespace R1Sharp.Training.Checkpointing;

/// <summary>
/// What a run started without <c>--resume</c> does with an output folder that already holds checkpoints: refuse
/// (a later <c>--resume</c> would otherwise pick the older run's higher-numbered checkpoint), or with
/// <c>--overwrite</c> delete the earlier run's checkpoints, logs and final model first.
/// </summary>
public static class FreshStart
{
    /// <summary>Checks (and with <paramref name="overwrite"/> clears) <paramref name="runDirectory"/> for a fresh run.</summary>
    /// <param name="runDirectory">The run's output folder (need not exist).</param>
    /// <param name="overwrite">Delete the earlier run's outputs instead of refusing.</param>
    /// <exception cref="ConfigurationException">The folder holds checkpoints and <paramref name="overwrite"/> is false.</exception>
    /// <exception cref="IOException"><paramref name="runDirectory"/> is a file.</exception>
    public static void Prepare(string runDirectory, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(runDirectory);
        string full = Path.GetFullPath(runDirectory);
        if (File.Exists(full)) throw new ConfigurationException($"{full} is a file; the output must be a folder.");
        if (!Directory.Exists(full)) return;
        // Older SFT runs kept checkpoint-N directly in the output folder.
        var found = CheckpointStore.Complete(Path.Combine(full, CheckpointStore.DirectoryName)).Concat(CheckpointStore.Complete(full)).ToList();
        if (found.Count == 0) return;
        if (!overwrite)
            throw new ConfigurationException($"{full} already holds checkpoints of an earlier run (newest: {CheckpointStore.NameOf(found.Max(c => c.Step))}); " +
                "pass --resume to continue it, or --overwrite to delete them and start again.");
        string checkpoints = Path.Combine(full, CheckpointStore.DirectoryName);
        if (Directory.Exists(checkpoints)) Directory.Delete(checkpoints, recursive: true);
        foreach (var (directory, _) in CheckpointStore.Complete(full)) Directory.Delete(directory, recursive: true);
        string final = Path.Combine(full, CheckpointStore.FinalDirectoryName);
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        string metrics = Path.Combine(full, MetricsLog.JsonlFileName);
        if (File.Exists(metrics)) File.Delete(metrics);
        foreach (var events in Directory.GetFiles(full, "events.out.tfevents.*")) File.Delete(events);
    }
}
