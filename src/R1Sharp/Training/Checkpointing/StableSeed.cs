namespace R1Sharp.Training.Checkpointing;

/// <summary>
/// Derives a seed from a run's seed and a few stream numbers (epoch, step...) the same way in every process.
/// <see cref="HashCode.Combine{T1, T2}"/> must not be used for this: .NET randomises it per process, so a shuffle
/// seeded with it differs between two runs with the same seed and a resumed run cannot continue exactly.
/// </summary>
public static class StableSeed
{
    /// <summary>A non-negative 31-bit seed that depends on every part, in order (SplitMix64 finaliser over each part).</summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="parts">Stream numbers that tell the derived generators apart (e.g. epoch, a constant per use).</param>
    public static int Derive(int seed, params ReadOnlySpan<long> parts)
    {
        ulong state = Mix((ulong)(long)seed);
        foreach (long part in parts) state = Mix(state ^ Mix((ulong)part + 0x9E3779B97F4A7C15UL));
        return (int)(state >> 33);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
