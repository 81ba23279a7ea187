namespace R1Sharp.Evaluation.Results;

/// <summary>Writes a file so that readers see the old or the new content, never half of it (temp file, then rename).</summary>
internal static class AtomicFile
{
    public static async Task WriteAllTextAsync(string path, string content, CancellationToken cancellationToken)
    {
        string temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, content, cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
    }

    public static void Write(string path, Action<string> writeTo)
    {
        string temp = path + ".tmp" + System.IO.Path.GetExtension(path);
        writeTo(temp);
        File.Move(temp, path, overwrite: true);
    }
}
