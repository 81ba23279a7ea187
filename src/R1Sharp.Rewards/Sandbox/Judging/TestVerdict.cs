namespace R1Sharp.Rewards.Sandbox.Judging;

/// <summary>The verdict on one test case.</summary>
/// <param name="TestIndex">Position of the test case in the row's list (0-based).</param>
/// <param name="Verdict">The verdict.</param>
/// <param name="Detail">Why, for a person reading logs: the signal, the first differing token, the end of stderr; empty when accepted.</param>
/// <param name="WallTime">Wall-clock time of the run.</param>
public sealed record TestVerdict(int TestIndex, Verdict Verdict, string Detail, TimeSpan WallTime)
{
    /// <summary>True for <see cref="Judging.Verdict.Accepted"/>.</summary>
    public bool Passed => Verdict == Verdict.Accepted;
}
