using R1Sharp.IO;
using R1Sharp.Tests.Checkpoints;

namespace R1Sharp.Tests.IO;

/// <summary>The lock inside one process: an OS file lock is per open file, so a second acquire here is refused as another process's would be.</summary>
public sealed class RunDirectoryLockTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ASecondAcquireIsRefusedWithOneLineNamingTheFolderAndTheHolder()
    {
        string run = _dir.Combine("run");
        using var first = RunDirectoryLock.Acquire(run);

        var refused = Assert.Throws<RunDirectoryInUseException>(() => RunDirectoryLock.Acquire(run));

        Assert.IsAssignableFrom<IOException>(refused);
        Assert.DoesNotContain('\n', refused.Message);
        Assert.StartsWith($"{run} is in use by another r1 process (pid {Environment.ProcessId} on {Environment.MachineName}, started ", refused.Message);
        Assert.EndsWith("); wait for it to finish or choose another --output folder", refused.Message);
        Assert.Equal(Environment.ProcessId, refused.Holder?.ProcessId);
    }

    [Fact]
    public void TheHolderFileNamesThisProcessAndGoesWithTheLock()
    {
        string run = _dir.Combine("run");
        using (var held = RunDirectoryLock.Acquire(run))
        {
            Assert.True(Directory.Exists(run));
            Assert.Equal(Path.Combine(run, ".r1.lock.holder"), held.HolderFilePath);
            var holder = RunLockHolder.TryRead(held.HolderFilePath);
            Assert.NotNull(holder);
            Assert.Equal(Environment.ProcessId, holder.ProcessId);
            Assert.Equal(Environment.MachineName, holder.Host);
            Assert.False(string.IsNullOrEmpty(holder.CommandLine));
        }
        Assert.False(File.Exists(Path.Combine(run, ".r1.lock.holder")));
    }

    [Fact]
    public void AFolderTheLockCreatedGoesAgainWhenNothingWasWrittenIntoIt()
    {
        // A command refused after taking the lock (bad data, bad settings) must not leave an empty run folder.
        string refused = _dir.Combine("refused");
        using (RunDirectoryLock.Acquire(refused)) { }
        Assert.False(Directory.Exists(refused));

        // A folder that holds output, or that existed before, stays.
        string used = _dir.Combine("used");
        using (RunDirectoryLock.Acquire(used)) File.WriteAllText(Path.Combine(used, "metrics.jsonl"), "{}");
        Assert.True(File.Exists(Path.Combine(used, "metrics.jsonl")));
        string existing = _dir.Combine("existing");
        Directory.CreateDirectory(existing);
        using (RunDirectoryLock.Acquire(existing)) { }
        Assert.True(Directory.Exists(existing));
    }

    [Fact]
    public void ReleasingLetsTheNextAcquireSucceed()
    {
        string run = _dir.Combine("run");
        var first = RunDirectoryLock.Acquire(run);
        Assert.Throws<RunDirectoryInUseException>(() => RunDirectoryLock.Acquire(run));
        first.Dispose();
        first.Dispose();

        using var second = RunDirectoryLock.Acquire(run);
        Assert.Equal(Environment.ProcessId, RunLockHolder.TryRead(second.HolderFilePath)?.ProcessId);
    }

    [Fact]
    public void FoldersAreLockedOneByOne()
    {
        using var a = RunDirectoryLock.Acquire(_dir.Combine("a"));
        using var b = RunDirectoryLock.Acquire(_dir.Combine("b"));
        using var inside = RunDirectoryLock.Acquire(_dir.Combine("a", "student"));
        Assert.NotEqual(a.LockFilePath, inside.LockFilePath);
    }

    [Fact]
    public void ASingleOutputFileIsLockedBesideIt()
    {
        string file = _dir.Combine("out", "sft.jsonl");
        using var held = RunDirectoryLock.AcquireForFile(file);
        Assert.Equal(_dir.Combine("out", ".sft.jsonl.r1.lock"), held.LockFilePath);

        var refused = Assert.Throws<RunDirectoryInUseException>(() => RunDirectoryLock.AcquireForFile(file));
        Assert.StartsWith($"{file} is in use by another r1 process", refused.Message);
        Assert.EndsWith("choose another --output file", refused.Message);
        // The folder itself stays free for another file.
        using var other = RunDirectoryLock.AcquireForFile(_dir.Combine("out", "other.jsonl"));
    }

    [Fact]
    public void AFileWhereAFolderIsExpectedIsNamed()
    {
        string file = _dir.Combine("plain.txt");
        File.WriteAllText(file, "x");
        var error = Assert.Throws<IOException>(() => RunDirectoryLock.Acquire(file));
        Assert.Equal($"{file} is a file; the output must be a folder", error.Message);
    }
}
