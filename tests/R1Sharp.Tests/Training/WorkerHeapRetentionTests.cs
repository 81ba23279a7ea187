using R1Sharp.Training.Optimization;
using System.Runtime.InteropServices;

namespace R1Sharp.Tests.Training;

/// <summary>
/// The micro-batch workers' heap retention: raised by the first holder, restored by the last, off where the user or
/// the opt-out says so, and, on glibc, memory a worker thread freed while it is held comes back without page faults.
/// </summary>
public sealed class WorkerHeapRetentionTests
{
    [Fact]
    public void TheFirstHolderRaisesThePaddingAndTheLastRestoresGlibcsDefault()
    {
        var set = new List<int>();
        var holds = new WorkerHeapRetention.Holds(set.Add);
        var outer = holds.Hold();
        var inner = holds.Hold();
        Assert.Equal([WorkerHeapRetention.HeldTopPad], set);
        inner.Dispose();
        inner.Dispose(); // a second dispose releases nothing more
        Assert.True(holds.IsHeld);
        Assert.Equal([WorkerHeapRetention.HeldTopPad], set);
        outer.Dispose();
        Assert.False(holds.IsHeld);
        Assert.Equal([WorkerHeapRetention.HeldTopPad, WorkerHeapRetention.DefaultTopPad], set);
        using (holds.Hold()) Assert.Equal(3, set.Count);
        Assert.Equal(WorkerHeapRetention.DefaultTopPad, set[^1]);
    }

    [Fact]
    public void HoldsOnSeveralThreadsAtOnceRestoreThePaddingOnceAllHaveEnded()
    {
        var set = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var holds = new WorkerHeapRetention.Holds(set.Enqueue);
        using var all = new Barrier(4);
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < 200; i++)
            {
                using var scope = holds.Hold();
                if (i == 100) all.SignalAndWait(); // all four hold at once here
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.False(holds.IsHeld);
        var values = set.ToArray();
        Assert.Equal(WorkerHeapRetention.DefaultTopPad, values[^1]);
        for (int i = 0; i < values.Length; i++) // raised and restored strictly in turn
            Assert.Equal(i % 2 == 0 ? WorkerHeapRetention.HeldTopPad : WorkerHeapRetention.DefaultTopPad, values[i]);
    }

    [Theory]
    [InlineData("R1SHARP_NATIVE_TUNING", "0")]
    [InlineData("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=1048576")]
    public void TheUsersOwnSettingOrTheOptOutTurnsItOff(string variable, string value)
    {
        Assert.Null(WorkerHeapRetention.SetterFor(name => name == variable ? value : null));
    }

    [Fact]
    public void OnLinuxWithGlibcItIsOnByDefault()
    {
        // The tests run on glibc Linux (scripts/test.sh); anywhere else the retention is off and this says so.
        Assert.True(OperatingSystem.IsLinux(), "these tests expect glibc Linux");
        Assert.NotNull(WorkerHeapRetention.SetterFor(name => name == "GLIBC_TUNABLES" ? "glibc.malloc.mmap_max=0" : null));
    }

    [Fact]
    public void MemoryAWorkerThreadFreedWhileHeldComesBackWithoutPageFaults()
    {
        Assert.NotNull(WorkerHeapRetention.SetterFor(Environment.GetEnvironmentVariable)); // on in the test host's environment (the check sets nothing)
        long first = 0, second = 0;
        var worker = new Thread(() =>
        {
            using var hold = WorkerHeapRetention.Hold();
            // 256 MiB in 64 KiB blocks (below any mmap threshold, so from this thread's arena: four 64 MiB heaps),
            // freed in full, then the same again: without the retention glibc unmaps the emptied heaps in between.
            first = TouchFreshBlocksAndCountFaults(4096, 64 << 10);
            second = TouchFreshBlocksAndCountFaults(4096, 64 << 10);
        });
        worker.Start();
        worker.Join();
        Assert.True(second <= Math.Max(16, first / 4), $"page faults: {first} the first time, {second} the second");
    }

    // Allocates count blocks of size bytes (malloc, which Marshal.AllocHGlobal is on Unix), writes every 4 KiB page of
    // each, frees them all; the calling thread's minor page faults meanwhile.
    private static long TouchFreshBlocksAndCountFaults(int count, int size)
    {
        var blocks = new IntPtr[count];
        long before = ThreadMinorFaults();
        for (int b = 0; b < count; b++)
        {
            blocks[b] = Marshal.AllocHGlobal(size);
            for (int i = 0; i < size; i += 4096) Marshal.WriteByte(blocks[b], i, 1);
        }
        long faults = ThreadMinorFaults() - before;
        foreach (var block in blocks) Marshal.FreeHGlobal(block);
        return faults;
    }

    private static long ThreadMinorFaults()
    {
        // struct rusage: two struct timevals (16 bytes each), then longs: maxrss, ixrss, idrss, isrss, minflt, …
        var usage = new long[18];
        Assert.Equal(0, GetResourceUsage(1 /* RUSAGE_THREAD */, usage));
        return usage[8];
    }

    [DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetResourceUsage(int who, [Out] long[] usage);
}
