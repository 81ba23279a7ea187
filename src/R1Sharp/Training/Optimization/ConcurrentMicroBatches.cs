using System.Runtime.ExceptionServices;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Training.Optimization;

/// <summary>
/// In-process data parallelism over one optimizer step's micro-batches: with one torch thread per worker, a second core
/// runs half the step's forwards and backwards. Worker w takes the contiguous micro-batches [w·M/W, (w+1)·M/W) and runs
/// them one after another, worker 0 on the calling thread and each other on a thread of its own (not the thread pool,
/// which the trainers' async work needs, and whose threads may not all be free at once), kept between steps
/// (<see cref="ReusableWorkerThread"/>). Its gradients go where
/// <see cref="WorkerGradients"/> says, so every sum has a fixed order and a seed's run repeats bit for bit. It differs
/// from one worker's by rounding only: (g₁+…+g₈)+(g₉+…+g₁₆) against g₁+…+g₁₆. With two micro-batches on two workers the
/// sum is g₁+g₂ either way, so the bits are one worker's.
/// Under bf16 mixed precision the workers differentiate the bf16 copies and sum into the float32 masters (the
/// <c>differentiated</c> argument of <see cref="Run"/>). Not for a backward that writes <c>.grad</c> itself (reentrant
/// activation checkpointing) or that reads state kept between micro-batches (MoE routing statistics): callers keep those
/// on one worker. While workers run, glibc keeps their arenas' emptied heaps (<see cref="WorkerHeapRetention"/>), so a
/// step reuses the memory the last one freed instead of faulting fresh pages in.
/// </summary>
public static class ConcurrentMicroBatches
{
    /// <summary>
    /// Runs <paramref name="body"/> for micro-batches 0 … <paramref name="count"/> − 1 on up to
    /// <paramref name="workers"/> threads, then adds the workers' gradients to the parameters' <c>.grad</c> in worker order.
    /// </summary>
    /// <typeparam name="T">What the body reports per micro-batch (its loss, its counts).</typeparam>
    /// <param name="count">Micro-batches of the step.</param>
    /// <param name="workers">Threads at most; one runs everything on the calling thread, as a plain loop.</param>
    /// <param name="parameters">The trained parameters (their gradients are summed).</param>
    /// <param name="body">Runs micro-batch k and back-propagates its loss through the given <see cref="WorkerGradients"/>; it
    /// opens its own dispose scope. On a worker's own thread gradients are on, as on the calling thread by default.</param>
    /// <param name="differentiated">What the forward uses for each of <paramref name="parameters"/>, where that is not
    /// the parameter itself: the bf16 copies of float32 masters (<see cref="LanguageModeling.MixedPrecisionModel.ComputeCounterparts"/>).
    /// The buffered workers differentiate these and sum in the parameters' dtype; the first worker's body sums its own
    /// (<see cref="WorkerGradients.WritesParameterGradients"/>). Null: the parameters themselves.</param>
    /// <returns>The body's results in micro-batch order.</returns>
    /// <exception cref="Exception">The first failing worker's exception (in worker order); no gradient of a buffered worker
    /// reaches the parameters then.</exception>
    public static T[] Run<T>(int count, int workers, IReadOnlyList<Parameter> parameters, Func<int, WorkerGradients, T> body,
        IReadOnlyList<Parameter>? differentiated = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(body);
        var results = new T[count];
        int threads = Math.Min(workers, count);
        if (threads <= 1)
        {
            for (int k = 0; k < count; k++) results[k] = body(k, WorkerGradients.IntoParameters);
            return results;
        }
        using var retention = WorkerHeapRetention.Hold();
        var sinks = Enumerable.Range(0, threads).Select(w => w == 0 ? WorkerGradients.IntoParameters : WorkerGradients.Buffered(parameters, differentiated, w, KeptGradientBuffers.DefaultMinimumBytes)).ToArray();
        try
        {
            RunWorkers(count, threads, (k, w) => results[k] = body(k, sinks[w]), gradients: true);
            foreach (var sink in sinks) sink.AddToParameters();
        }
        finally
        {
            foreach (var sink in sinks.Skip(1)) sink.Dispose();
        }
        return results;
    }

    /// <summary>
    /// Runs <paramref name="body"/> for items 0 … <paramref name="count"/> − 1 on up to <paramref name="workers"/> threads,
    /// each a contiguous share, without gradients (frozen forward passes: π_ref's and π_old's log-probs).
    /// </summary>
    /// <param name="count">Items.</param>
    /// <param name="workers">Threads at most; one runs everything on the calling thread.</param>
    /// <param name="body">Computes item k; it opens its own dispose scope.</param>
    public static void ForEach(int count, int workers, Action<int> body)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentNullException.ThrowIfNull(body);
        int threads = Math.Min(workers, count);
        if (threads <= 1)
        {
            for (int k = 0; k < count; k++) body(k);
            return;
        }
        using var retention = WorkerHeapRetention.Hold();
        RunWorkers(count, threads, (k, _) => body(k), gradients: false);
    }

    // Worker 0 on the calling thread, the others on threads of their own; a failing worker makes the others stop before
    // their next item, and the lowest failing worker's exception is rethrown once all have stopped.
    private static void RunWorkers(int count, int threads, Action<int, int> item, bool gradients)
    {
        var failures = new Exception?[threads];
        int failed = 0;
        void Work(int w)
        {
            try
            {
                for (int k = w * count / threads; k < (w + 1) * count / threads && Volatile.Read(ref failed) == 0; k++) item(k, w);
            }
            catch (Exception e)
            {
                failures[w] = e;
                Interlocked.Exchange(ref failed, 1);
            }
        }
        var others = Enumerable.Range(1, threads - 1).Select(w => ReusableWorkerThread.Start(() =>
        {
            // Grad mode is per thread, so each worker sets it (and a reused thread gets its own back afterwards).
            using var mode = gradients ? enable_grad() : no_grad();
            Work(w);
        })).ToList();
        using (gradients ? enable_grad() : no_grad()) Work(0);
        foreach (var thread in others) thread.Join();
        if (failures.FirstOrDefault(e => e is not null) is { } first) ExceptionDispatchInfo.Capture(first).Throw();
    }
}
