namespace R1Sharp.Rewards.Sandbox;

/// <summary>
/// A host folder holding one program's files (source, compiled binary, harness), seen read-only inside every
/// run at <see cref="SandboxPaths.Program"/>. Created by <see cref="ICodeSandbox.CreateProgramDirectory"/>;
/// deleted on dispose.
/// </summary>
public sealed class ProgramDirectory : IDisposable
{
    internal ProgramDirectory(string hostPath)
    {
        HostPath = hostPath;
        Directory.CreateDirectory(hostPath);
        // World-readable but root-owned: every slot uid may read it, none may change it.
        UnixPermissions.Set(hostPath, UnixPermissions.ExecutableByAll);
    }

    /// <summary>The folder on the host.</summary>
    public string HostPath { get; }

    /// <summary>Writes a file (readable by the sandbox); <paramref name="name"/> must be a plain file name.</summary>
    public async Task WriteFileAsync(string name, string contents, CancellationToken cancellationToken = default)
    {
        string path = PathOf(name);
        await File.WriteAllTextAsync(path, contents, cancellationToken).ConfigureAwait(false);
        UnixPermissions.Set(path, UnixPermissions.ReadableByAll);
    }

    /// <summary>The host path of a file in this folder; rejects names with separators or dots-only names.</summary>
    public string PathOf(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('/') || name is "." or ".." || name.Contains('\0'))
            throw new ArgumentException($"'{name}' is not a plain file name", nameof(name));
        return Path.Combine(HostPath, name);
    }

    /// <summary>Deletes the folder and everything in it.</summary>
    public void Dispose()
    {
        try { Directory.Delete(HostPath, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}
