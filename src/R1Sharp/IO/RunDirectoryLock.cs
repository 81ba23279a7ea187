namespace R1Sharp.IO;

/// <summary>
/// One writer per run directory: a command that writes a run folder (eval, grpo, sft, zero, distill, sample,
/// filter...) holds this lock for its lifetime, so a second process started on the same folder is refused at once
/// instead of interleaving its samples, checkpoints and metrics with the first one's.
/// </summary>
/// <remarks>
/// <para>
/// The lock is an operating-system lock on <c>&lt;dir&gt;/.r1.lock</c>, opened with <see cref="FileShare.None"/>:
/// on Linux and macOS .NET takes it with <c>flock(LOCK_EX | LOCK_NB)</c>, on Windows it is a sharing mode. The OS
/// drops it when the process ends however it ends, so a run killed with <c>kill -9</c> never blocks the next one
/// and there is no stale lock to clean up by hand. After taking it the holder writes who it is (pid, host, start
/// time in UTC, command line) to <c>&lt;dir&gt;/.r1.lock.holder</c>; a refused process quotes that file in its
/// one-line <see cref="RunDirectoryInUseException"/>. A command whose output is one file locks
/// <c>.&lt;file&gt;.r1.lock</c> beside it (<see cref="AcquireForFile"/>).
/// </para>
/// <para>
/// The lock is advisory where <c>flock</c> is not enforced: on file systems without it (some NFS mounts, some
/// FUSE and SMB mounts) .NET ignores the failure and two processes may both "hold" it; and setting
/// <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING=1</c> turns it off. Keep concurrent runs on different folders there.
/// </para>
/// <para>
/// <see cref="Dispose"/> deletes the holder file and releases the lock; the empty lock file itself stays. Deleting
/// it would let a process that opened it just before the delete lock the orphaned file while a third process
/// locks a new one, and both would write.
/// </para>
/// <para>
/// The lock is per open file, not per process: a second <see cref="Acquire"/> of the same folder inside one
/// process is refused too, so a pipeline must not lock a folder that a stage it calls locks again.
/// </para>
/// </remarks>
public sealed class RunDirectoryLock : IDisposable
{
    /// <summary>Name of the lock file inside a locked folder.</summary>
    public const string LockFileName = ".r1.lock";

    /// <summary>Appended to the lock file's name for the holder file.</summary>
    public const string HolderSuffix = ".holder";

    // How long a refused process waits for the holder file of a holder that has just taken the lock.
    private static readonly TimeSpan HolderFileGrace = TimeSpan.FromSeconds(1);

    private FileStream? _lock;

    // True when Acquire created the folder: if the command then fails before writing anything into it, Dispose removes
    // it again, so a refused start (bad data, bad settings) leaves no empty run folder behind.
    private bool _createdFolder;

    private RunDirectoryLock(string lockedPath, string lockFilePath, FileStream stream, RunLockHolder holder)
    {
        LockedPath = lockedPath;
        LockFilePath = lockFilePath;
        _lock = stream;
        Holder = holder;
    }

    /// <summary>The folder (or single output file) this lock protects, as a full path.</summary>
    public string LockedPath { get; }

    /// <summary>The lock file.</summary>
    public string LockFilePath { get; }

    /// <summary>The holder file (who holds the lock).</summary>
    public string HolderFilePath => LockFilePath + HolderSuffix;

    /// <summary>This process, as written to the holder file.</summary>
    public RunLockHolder Holder { get; }

    /// <summary>
    /// Locks <paramref name="directory"/> for this process, creating it if needed; take it before anything is
    /// written into the folder and dispose it when the command ends.
    /// </summary>
    /// <param name="directory">The run folder.</param>
    /// <exception cref="RunDirectoryInUseException">Another process (or another lock in this process) holds it.</exception>
    /// <exception cref="IOException"><paramref name="directory"/> is a file, or cannot be created.</exception>
    public static RunDirectoryLock Acquire(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (File.Exists(full)) throw new IOException($"{full} is a file; the output must be a folder");
        bool existed = Directory.Exists(full);
        Directory.CreateDirectory(full);
        var taken = Take(full, Path.Combine(full, LockFileName), isFile: false);
        taken._createdFolder = !existed;
        return taken;
    }

    /// <summary>
    /// Locks a single output file <paramref name="file"/> (which need not exist) through <c>.&lt;name&gt;.r1.lock</c>
    /// in its folder, creating the folder if needed.
    /// </summary>
    /// <param name="file">The output file.</param>
    /// <exception cref="RunDirectoryInUseException">Another process (or another lock in this process) holds it.</exception>
    /// <exception cref="IOException"><paramref name="file"/> is a folder.</exception>
    public static RunDirectoryLock AcquireForFile(string file)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(file);
        string full = Path.GetFullPath(file);
        if (Directory.Exists(full)) throw new IOException($"{full} is a folder; the output must be a file");
        string folder = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(folder);
        return Take(full, Path.Combine(folder, "." + Path.GetFileName(full) + LockFileName), isFile: true);
    }

    private static RunDirectoryLock Take(string lockedPath, string lockFilePath, bool isFile)
    {
        FileStream stream;
        try
        {
            // OpenOrCreate, never Create: truncating is pointless and the file is only a handle for the OS lock.
            stream = new FileStream(lockFilePath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
        }
        catch (IOException e) when (IsHeldElsewhere(e))
        {
            throw new RunDirectoryInUseException(lockedPath, ReadHolder(lockFilePath + HolderSuffix), isFile, e);
        }
        try
        {
            var holder = RunLockHolder.Current();
            AtomicFile.WriteAllText(lockFilePath + HolderSuffix, holder.ToJson());
            return new RunDirectoryLock(lockedPath, lockFilePath, stream, holder);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    // EWOULDBLOCK from flock (11 on Linux, 35 on macOS); a sharing or lock violation on Windows (32, 33). Any other
    // I/O error (missing folder, full disk, no permission) is reported as itself.
    private static bool IsHeldElsewhere(IOException e) =>
        e.GetType() == typeof(IOException) && (e.HResult & 0xFFFF) is 11 or 35 or 32 or 33;

    // The holder writes its file just after it takes the lock; a process refused in between waits a moment for it.
    private static RunLockHolder? ReadHolder(string holderPath)
    {
        var deadline = DateTime.UtcNow + HolderFileGrace;
        while (true)
        {
            if (RunLockHolder.TryRead(holderPath) is { } holder) return holder;
            if (DateTime.UtcNow >= deadline) return null;
            Thread.Sleep(50);
        }
    }

    /// <summary>Deletes the holder file (best effort) and releases the lock. Safe to call more than once.</summary>
    public void Dispose()
    {
        var stream = Interlocked.Exchange(ref _lock, null);
        if (stream is null) return;
        try
        {
            // While still holding the lock, so a next holder's file is never the one deleted.
            File.Delete(HolderFilePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A stale holder file is overwritten by the next holder; the lock is what counts.
        }
        bool removeFolder = _createdFolder && OnlyTheLockFileIsLeft();
        if (removeFolder) TryDelete(() => File.Delete(LockFilePath));
        stream.Dispose();
        if (removeFolder) TryDelete(() => Directory.Delete(LockedPath, recursive: false));
    }

    private bool OnlyTheLockFileIsLeft()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries(LockedPath).All(e => string.Equals(e, LockFilePath, StringComparison.Ordinal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void TryDelete(Action delete)
    {
        try { delete(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: an empty folder left behind does no harm.
        }
    }
}
