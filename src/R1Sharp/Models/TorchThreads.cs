namespace R1Sharp.Models;

/// <summary>
/// The size of libtorch's CPU thread pool, as the commands' <c>--threads</c> flags set it. One thread per core is the
/// default because libtorch's workers spin while they wait: more threads than cores slow every kernel down.
/// </summary>
public static class TorchThreads
{
    /// <summary>Sets the pool to <paramref name="count"/> threads; 0 means one per core.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative (the message names --threads).</exception>
    public static void Set(int count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"--threads {count}: give 0 (one per core) or a positive number");
        TorchSharp.torch.set_num_threads(count > 0 ? count : Math.Max(1, Environment.ProcessorCount));
    }
}
