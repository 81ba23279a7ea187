namespace R1Sharp.Models;

/// <summary>
/// Long-lived helper threads for <see cref="SmallBatchLinear"/>. The calling thread always works: it and the woken
/// helpers claim chunks of W's rows from one counter, so a helper that wakes late (the machine is busy, or libtorch's
/// OpenMP threads still spin on the other core after the previous op) costs nothing but its share, and the caller
/// waits at the end only for chunks a helper has already started. A helper that finishes spins for
/// <see cref="SpinMicroseconds"/> before it sleeps, since a decode step's projections come close together (q, k, v;
/// gate, up) with only small single-threaded ops between them; a sleeping helper costs a wake-up (a futex call) per
/// product. One caller at a time uses the helpers; a second concurrent caller runs its product on its own thread.
/// </summary>
internal static class SmallBatchWorkers
{
    private static readonly object Gate = new();
    private static readonly SemaphoreSlim Wake = new(0);
    private static readonly List<Thread> Helpers = [];
    private static IChunkedWork? s_current;
    private static int s_active;
    private static int s_generation;
    private static int s_sleepers;

    /// <summary>How long an idle helper spins, waiting for the next product, before it sleeps.</summary>
    public const int SpinMicroseconds = 50;

    /// <summary>Runs every chunk of <paramref name="work"/> on this thread and up to <paramref name="helpers"/> others.</summary>
    public static void Run(IChunkedWork work, int helpers)
    {
        if (helpers <= 0 || !Monitor.TryEnter(Gate))
        {
            work.RunChunks();
            return;
        }
        try
        {
            while (Helpers.Count < helpers)
            {
                var thread = new Thread(Loop) { IsBackground = true, Name = $"SmallBatchLinear {Helpers.Count + 1}" };
                thread.Start();
                Helpers.Add(thread);
            }
            Volatile.Write(ref s_current, work);
            Interlocked.Increment(ref s_generation);
            int sleepers = Interlocked.Exchange(ref s_sleepers, 0);
            if (sleepers > 0) Wake.Release(sleepers);
            work.RunChunks();
            // Close the job, then wait for helpers inside it (full fences on both sides: a helper that read the job
            // has raised s_active before this read).
            Interlocked.Exchange(ref s_current, null);
            var spin = new SpinWait();
            while (Volatile.Read(ref s_active) != 0) spin.SpinOnce(sleep1Threshold: -1);
        }
        finally
        {
            Monitor.Exit(Gate);
        }
    }

    private static void Loop()
    {
        long spinTicks = System.Diagnostics.Stopwatch.Frequency * SpinMicroseconds / 1_000_000;
        int seen = 0;
        while (true)
        {
            long until = System.Diagnostics.Stopwatch.GetTimestamp() + spinTicks;
            while (Volatile.Read(ref s_generation) == seen && System.Diagnostics.Stopwatch.GetTimestamp() < until) Thread.SpinWait(20);
            if (Volatile.Read(ref s_generation) == seen)
            {
                // Announce the sleep, then look once more: a caller that published after this look sees the
                // announcement and releases us; one that published before it is seen here (or, at worst, its product
                // is done without us and the release comes with the next one).
                Interlocked.Increment(ref s_sleepers);
                if (Volatile.Read(ref s_generation) == seen) Wake.Wait();
            }
            seen = Volatile.Read(ref s_generation);
            Interlocked.Increment(ref s_active);
            Interlocked.CompareExchange(ref s_current, null, null)?.RunChunks();
            Interlocked.Decrement(ref s_active);
        }
    }
}

/// <summary>Work split into chunks that threads claim until none is left.</summary>
internal interface IChunkedWork
{
    /// <summary>Claims and runs chunks until every chunk is claimed.</summary>
    void RunChunks();
}
