namespace R1Sharp.Models;

/// <summary>
/// Long-lived helper threads for <see cref="SmallBatchLinear"/>. The calling thread always works: it and the woken
/// helpers claim chunks of W's rows from one counter, so a helper that wakes late (the machine is busy, or libtorch's
/// OpenMP threads still spin on the other core after the previous op) costs nothing but its share, and the caller
/// waits at the end only for chunks a helper has already started. One caller at a time uses the helpers; a second
/// concurrent caller runs its product on its own thread.
/// </summary>
internal static class SmallBatchWorkers
{
    private static readonly object Gate = new();
    private static readonly SemaphoreSlim Wake = new(0);
    private static readonly List<Thread> Helpers = [];
    private static IChunkedWork? s_current;
    private static int s_active;

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
            Wake.Release(helpers);
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
        while (true)
        {
            Wake.Wait();
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
