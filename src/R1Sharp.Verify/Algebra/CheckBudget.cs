using System.Diagnostics;

namespace R1Sharp.Verify.Algebra;

/// <summary>
/// The time and size budget of one check. Work polls <see cref="Exhausted"/> instead of being interrupted
/// (no threads, no signals), so a check always returns and never leaves shared state half-written.
/// </summary>
internal sealed class CheckBudget
{
    private readonly long _deadlineTicks;

    public CheckBudget(TimeSpan timeBudget, int maxExactBits)
    {
        _deadlineTicks = Stopwatch.GetTimestamp() + (long)(timeBudget.TotalSeconds * Stopwatch.Frequency);
        MaxExactBits = maxExactBits;
    }

    /// <summary>Largest exact intermediate (bits of numerator + denominator) before arithmetic turns approximate.</summary>
    public int MaxExactBits { get; }

    /// <summary>True once the deadline has passed; the caller then answers "not equal".</summary>
    public bool Exhausted => Stopwatch.GetTimestamp() > _deadlineTicks;
}
