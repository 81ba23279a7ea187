using System.Text.RegularExpressions;

namespace R1Sharp.IO;

/// <summary>
/// Writes a directory (a checkpoint, a final model) so that it appears whole or not at all: the contents go into
/// an in-progress sibling named <c>NAME.tmp-XXXXXXXX</c> (8 hex digits, the scheme of every temporary name in
/// R1Sharp), are flushed to disk, and the sibling is then renamed to <c>NAME</c>. A run killed mid-write leaves only
/// an in-progress name, which <see cref="RemoveLeftovers"/> deletes when the run directory is opened again.
/// </summary>
public static partial class AtomicDirectory
{
    /// <summary>A fresh in-progress name for <paramref name="target"/> (same parent, so the final rename is atomic).</summary>
    public static string TemporaryPathFor(string target) =>
        Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar) + ".tmp-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>True when <paramref name="name"/> (a file or directory name) is an in-progress name of the scheme.</summary>
    public static bool IsTemporaryName(string name) => TemporaryName().IsMatch(name);

    /// <summary>
    /// Writes <paramref name="target"/> as a whole: <paramref name="writeContents"/> fills an empty in-progress
    /// directory, every file in it is flushed to disk, then it takes the target's name. An existing target is
    /// replaced; if <paramref name="writeContents"/> throws, the target is untouched and nothing is left behind.
    /// </summary>
    /// <param name="target">The directory to (re)create.</param>
    /// <param name="writeContents">Writes the files into the directory it is given (which exists and is empty).</param>
    /// <param name="cancellationToken">Checked before the rename.</param>
    public static async Task WriteAsync(string target, Func<string, Task> writeContents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(writeContents);
        string full = Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar);
        if (File.Exists(full)) throw new IOException($"{full} is a file; expected a directory");
        string temp = TemporaryPathFor(full);
        Directory.CreateDirectory(temp);
        try
        {
            await writeContents(temp).ConfigureAwait(false);
            foreach (var file in Directory.GetFiles(temp, "*", SearchOption.AllDirectories)) FlushToDisk(file);
            cancellationToken.ThrowIfCancellationRequested();
            if (Directory.Exists(full))
            {
                // The old copy moves to an in-progress name first, so a crash between the two renames leaves
                // names that the next open removes, never a directory that mixes the two.
                string old = TemporaryPathFor(full);
                Directory.Move(full, old);
                Directory.Move(temp, full);
                Directory.Delete(old, recursive: true);
            }
            else
            {
                Directory.Move(temp, full);
            }
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>
    /// Deletes the in-progress files and directories directly inside <paramref name="directory"/>: names of this
    /// scheme, and the temporary files <see cref="AtomicFile"/> leaves when a process is killed mid-write.
    /// </summary>
    /// <returns>How many entries were removed.</returns>
    public static int RemoveLeftovers(string directory)
    {
        if (!Directory.Exists(directory)) return 0;
        int removed = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory).ToList())
        {
            string name = Path.GetFileName(entry);
            if (!IsTemporaryName(name) && !AtomicFileTemporaryName().IsMatch(name)) continue;
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
            removed++;
        }
        return removed;
    }

    /// <summary>Forces a file's bytes to disk, so a rename that publishes it never points at unwritten data.</summary>
    public static void FlushToDisk(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    [GeneratedRegex(@"\.tmp-[0-9a-f]{8}$", RegexOptions.CultureInvariant)]
    private static partial Regex TemporaryName();

    // AtomicFile's temporary files: .NAME.PID.GUID.tmp
    [GeneratedRegex(@"^\..+\.[0-9]+\.[0-9a-f]{32}\.tmp$", RegexOptions.CultureInvariant)]
    private static partial Regex AtomicFileTemporaryName();
}
