namespace R1Sharp.Models;

/// <summary>
/// The size of libtorch's CPU thread pool, as the commands' <c>--threads</c> flags and the built-in pipelines' thread
/// options set it. One thread per core is the default because libtorch's workers spin while they wait: more threads
/// than cores slow every kernel down. The pool is one per process, and its size decides how reductions split, hence
/// their last bits: a host that runs several jobs at once in one process (a test host, a notebook) can
/// <see cref="Pin"/> it, so that no job's setting changes another's numbers half-way.
/// </summary>
public static class TorchThreads
{
    private static int s_pinned;

    /// <summary>The pinned pool size, or null when <see cref="Set"/> changes it.</summary>
    public static int? Pinned => s_pinned > 0 ? s_pinned : null;

    /// <summary>Sets the pool to <paramref name="count"/> threads; 0 means one per core. Does nothing once pinned.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative (the message names --threads).</exception>
    public static void Set(int count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"--threads {count}: give 0 (one per core) or a positive number");
        if (s_pinned > 0) return;
        TorchSharp.torch.set_num_threads(count > 0 ? count : Math.Max(1, Environment.ProcessorCount));
    }

    /// <summary>Sets the pool to <paramref name="count"/> threads (0: one per core) for the rest of the process: later
    /// <see cref="Set"/> calls leave it as it is.</summary>
    public static void Pin(int count)
    {
        Set(count);
        s_pinned = TorchSharp.torch.get_num_threads();
    }
}
