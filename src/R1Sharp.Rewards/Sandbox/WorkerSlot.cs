namespace R1Sharp.Rewards.Sandbox;

/// <summary>
/// One worker slot: a uid that only this slot's runs use, claimed host-wide by an exclusive lock file, so that
/// "every process of this uid" means "every process of this slot's current run" (which is what makes the
/// post-run sweep safe and the per-uid process limit meaningful).
/// </summary>
internal sealed class WorkerSlot : IDisposable
{
    private readonly FileStream _lock;

    private WorkerSlot(int uid, FileStream lockFile)
    {
        Uid = uid;
        _lock = lockFile;
    }

    /// <summary>The slot's uid (also its gid).</summary>
    public int Uid { get; }

    /// <summary>Claims the first free uid of [first, first + count) that is not already in <paramref name="taken"/>.</summary>
    /// <exception cref="SandboxUnavailableException">Every uid of the range is held by another sandbox.</exception>
    public static WorkerSlot Claim(string lockDirectory, int first, int count, ISet<int> taken)
    {
        Directory.CreateDirectory(lockDirectory);
        for (int uid = first; uid < first + count; uid++)
        {
            if (taken.Contains(uid))
                continue;
            try
            {
                // FileShare.None takes flock(LOCK_EX|LOCK_NB): held until dispose or process death, never stale.
                var stream = new FileStream(Path.Combine(lockDirectory, $"{uid}.lock"), FileMode.OpenOrCreate,
                    FileAccess.ReadWrite, FileShare.None);
                return new WorkerSlot(uid, stream);
            }
            catch (IOException)
            {
                // Held by another sandbox (this or another process): try the next uid.
            }
        }
        throw new SandboxUnavailableException(
            $"all {count} sandbox uids from {first} are in use (lock files in {lockDirectory})");
    }

    /// <summary>Releases the uid.</summary>
    public void Dispose() => _lock.Dispose();
}
