using System.Collections.Concurrent;

namespace R1Sharp.Training.Optimization;

/// <summary>
/// A dedicated background thread that runs one piece of work at a time and is then kept for the next, so that
/// <see cref="ConcurrentMicroBatches"/> does not start a fresh thread every optimizer step: a kept thread keeps its
/// thread-local native state (libtorch's per-thread buffers, the glibc arena it allocates from) from one step to the
/// next. On its own this moved no benchmark beyond its spread (BENCHMARKS.md, <c>pretrain-precision</c>); what slowed
/// the second worker was glibc releasing its arena's heaps between steps, which <see cref="WorkerHeapRetention"/> now
/// prevents while workers run (docs/ARCHITECTURE.md, "Native memory and threads").
/// Idle threads wait in a process-wide stack; callers that run at once (two trainers, a test host) each take their own.
/// </summary>
internal sealed class ReusableWorkerThread
{
    private static readonly ConcurrentStack<ReusableWorkerThread> Idle = new();
    private static int s_created;

    private readonly SemaphoreSlim _start = new(0);
    private readonly ManualResetEventSlim _done = new(false);
    private Action? _work;
    private Exception? _failure;

    private ReusableWorkerThread()
    {
        int number = Interlocked.Increment(ref s_created);
        new Thread(Loop) { IsBackground = true, Name = $"micro-batch worker {number}" }.Start();
    }

    /// <summary>Starts <paramref name="work"/> on an idle thread (a new one if none is idle); <see cref="Join"/> waits for it
    /// and rethrows what it threw.</summary>
    public static ReusableWorkerThread Start(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!Idle.TryPop(out var thread)) thread = new ReusableWorkerThread();
        thread._done.Reset();
        thread._failure = null;
        thread._work = work;
        thread._start.Release();
        return thread;
    }

    /// <summary>Waits until the work has ended, returns the thread to the idle ones and rethrows the work's exception, if
    /// any. Call once per <see cref="Start"/>.</summary>
    public void Join()
    {
        _done.Wait();
        var failure = _failure;
        Idle.Push(this);
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
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
            catch (Exception e)
            {
                _failure = e; // rethrown by Join on the caller's thread; the thread itself lives on
            }
            finally
            {
                _done.Set();
            }
        }
    }
}
