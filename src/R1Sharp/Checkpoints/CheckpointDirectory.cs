using R1Sharp.IO;

namespace R1Sharp.Checkpoints;

/// <summary>
/// Replaces a checkpoint directory as a whole: everything is written into a sibling temp directory, which then
/// takes the target's name in two renames. A crash at any point leaves either the old checkpoint or the new one
/// under the name (or, between the two renames, the old one intact under an in-progress <c>NAME.tmp-XXXXXXXX</c>
/// name of <see cref="AtomicDirectory"/>), never a mix.
/// An existing empty directory is written into directly.
/// </summary>
internal static class CheckpointDirectory
{
    /// <summary>Files a save produces; other files of an existing directory (tokenizer, chat template...) are carried over.</summary>
    private static bool IsProducedBySave(string fileName) =>
        fileName is "config.json" or WeightFiles.IndexFile
        || fileName.EndsWith(".safetensors", StringComparison.Ordinal);

    public static void Replace(string dir, Action<string> writeInto, bool keepExistingGenerationConfig)
    {
        string target = Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar);
        if (File.Exists(target)) throw new IOException($"{target} is a file; a checkpoint is a directory");
        string? parent = Path.GetDirectoryName(target);
        if (!string.IsNullOrEmpty(parent)) Directory.CreateDirectory(parent);
        if (Directory.Exists(target) && !Directory.EnumerateFileSystemEntries(target).Any())
        {
            // An empty directory has nothing to protect, and it is how a caller that publishes the whole
            // directory itself (a checkpoint store writing into its in-progress directory) hands one over:
            // write straight into it rather than leave swap directories beside the caller's.
            writeInto(target);
            return;
        }
        // AtomicDirectory's in-progress names, so a run directory opened again removes what a kill left behind.
        string temp = AtomicDirectory.TemporaryPathFor(target);
        string old = AtomicDirectory.TemporaryPathFor(target);
        Directory.CreateDirectory(temp);
        try
        {
            writeInto(temp);
            if (Directory.Exists(target))
            {
                foreach (string file in Directory.EnumerateFiles(target))
                {
                    string name = Path.GetFileName(file);
                    if (IsProducedBySave(name) || File.Exists(Path.Combine(temp, name))) continue;
                    if (name == "generation_config.json" && !keepExistingGenerationConfig) continue;
                    File.Copy(file, Path.Combine(temp, name));
                }
                Directory.Move(target, old);
                Directory.Move(temp, target);
                // Sub-directories (e.g. intermediate checkpoints) move over rather than being copied.
                foreach (string sub in Directory.EnumerateDirectories(old))
                    Directory.Move(sub, Path.Combine(target, Path.GetFileName(sub)));
                Directory.Delete(old, recursive: true);
            }
            else
            {
                Directory.Move(temp, target);
            }
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }
}
