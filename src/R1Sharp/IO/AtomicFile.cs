using System.Text;

namespace R1Sharp.IO;

/// <summary>
/// Writes files so that a reader (or a run killed mid-write) sees either the old content or the new, never a
/// torn file: the bytes go to a temporary file in the same directory, are flushed to disk, then renamed over
/// the target (rename is atomic within a file system).
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes through a stream callback, then renames into place.</summary>
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(directory);
        string temp = TemporaryPath(full);
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await write(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes UTF-8 text (no byte-order mark) atomically.</summary>
    public static Task WriteAllTextAsync(string path, string contents, CancellationToken cancellationToken = default) =>
        WriteAsync(path, (stream, ct) => stream.WriteAsync(Encoding.UTF8.GetBytes(contents), ct).AsTask(), cancellationToken);

    /// <summary>Writes UTF-8 text atomically (synchronous form, for non-async callers).</summary>
    public static void WriteAllText(string path, string contents) =>
        WriteAllBytes(path, Encoding.UTF8.GetBytes(contents));

    /// <summary>Writes bytes atomically (synchronous form).</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> contents)
    {
        byte[] copy = contents.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    /// <summary>
    /// Writes through a synchronous stream callback (large binary files: safetensors, GGUF), flushes to disk, then
    /// renames into place. The temporary file is removed if <paramref name="write"/> throws or is cancelled.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(directory);
        string temp = TemporaryPath(full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Whether <paramref name="fileName"/> is one of this class's in-progress temporary files (a leftover of a killed process).</summary>
    public static bool IsTemporaryName(string fileName) =>
        fileName.StartsWith('.') && fileName.EndsWith(".tmp", StringComparison.Ordinal);

    // Hidden, unique per process and call: two writers never share a temporary file, and leftovers are recognisable.
    private static string TemporaryPath(string full) =>
        Path.Combine(Path.GetDirectoryName(full) ?? ".", $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
}
