namespace R1Sharp.IO;

/// <summary>
/// A run directory (or single output file) is locked by another process: see <see cref="RunDirectoryLock"/>. An
/// <see cref="IOException"/>, so the CLI reports it as a usage error (exit code 2) in one line.
/// </summary>
public sealed class RunDirectoryInUseException : IOException
{
    /// <summary>Creates the exception.</summary>
    public RunDirectoryInUseException() { }

    /// <summary>Creates the exception.</summary>
    public RunDirectoryInUseException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public RunDirectoryInUseException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for <paramref name="path"/>, held by <paramref name="holder"/> (null: not yet known).</summary>
    /// <param name="path">The locked folder or file.</param>
    /// <param name="holder">The process that holds it, as its holder file says.</param>
    /// <param name="isFile">Whether <paramref name="path"/> is a single output file rather than a folder.</param>
    /// <param name="innerException">The operating system's refusal.</param>
    public RunDirectoryInUseException(string path, RunLockHolder? holder, bool isFile, Exception? innerException)
        : base($"{path} is in use by another r1 process ({holder?.Describe() ?? "its pid is not recorded yet"}); " +
               $"wait for it to finish or choose another --output {(isFile ? "file" : "folder")}", innerException)
    {
        Path = path;
        Holder = holder;
    }

    /// <summary>The folder or file in use (null when created with a bare message).</summary>
    public string? Path { get; }

    /// <summary>The process holding it, when its holder file could be read.</summary>
    public RunLockHolder? Holder { get; }
}
