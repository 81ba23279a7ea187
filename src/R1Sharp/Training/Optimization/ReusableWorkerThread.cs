using System.Collections.Concurrent;

namespace R1Sharp.Training.Optimization;

/// <summary>
/// A dedicated background thread that runs one piece of work at a time and is then kept for the next, so that
/// <see cref="ConcurrentMicroBatches"/> does not start a fresh thread every optimizer step. A fresh thread starts with
/// empty thread-local native state: libtorch's kernels then obtain their per-thread buffers again, and glibc gives the
/// new thread memory whose pages are touched for the first time, which on the paravirtualised 2-core machine costs
/// about 10 µs a page (<see cref="NativeRuntimeTuning"/>). Idle threads wait in a process-wide stack; callers that run
/// at once (two trainers, a test host) each take their own.
/// </summary>
internal sealed class ReusableWorkerThread
{
    private static readonly ConcurrentStack<ReusableWorkerThread> Idle = new();
    private static int s_created;

    private readonly SemaphoreSlim _start = new(0);
    private readonly ManualResetEventSlim _done = new(false);
    private Action? _work;

    private ReusableWorkerThread()
    {
        int number = Interlocked.Increment(ref s_created);
        new Thread(Loop) { IsBackground = true, Name = $"micro-batch worker {number}" }.Start();
    }

    /// <summary>Threads created so far in this process (a test reads it to see that threads are reused).</summary>
    internal static int Created => Volatile.Read(ref s_created);

    /// <summary>Starts <paramref name="work"/> on an idle thread (a new one if none is idle); <see cref="Join"/> waits for it.
    /// The work must not throw: an exception would end the thread, so callers catch their own.</summary>
    public static ReusableWorkerThread Start(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!Idle.TryPop(out var thread)) thread = new ReusableWorkerThread();
        thread._done.Reset();
        thread._work = work;
        thread._start.Release();
        return thread;
    }

    /// <summary>Waits until the work has ended and returns the thread to the idle ones. Call once per <see cref="Start"/>.</summary>
    public void Join()
    {
        _done.Wait();
        Idle.Push(this);
    }

    private void Loop()
    {
        while (true)
        {
            _start.Wait();
            var work = _work!;
            _work = null;
            try
            {
                work();
            }
            finally
            {
                _done.Set();
            }
        }
    }
}
