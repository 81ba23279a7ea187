using R1Sharp.Rewards.Sandbox.Judging;

namespace R1Sharp.Rewards.Code;

/// <summary>The verdicts of one program on all tests of a problem.</summary>
/// <param name="Language">The program's language.</param>
/// <param name="Verdicts">One verdict per test case, in the row's order.</param>
public sealed record ProgramEvaluation(CodeLanguage Language, IReadOnlyList<TestVerdict> Verdicts)
{
    /// <summary>Number of accepted tests.</summary>
    public int Passed => Verdicts.Count(v => v.Passed);

    /// <summary>Accepted tests / all tests (0 when there are none).</summary>
    public double PassFraction => Verdicts.Count == 0 ? 0 : (double)Passed / Verdicts.Count;

    /// <summary>True when every test is accepted.</summary>
    public bool AllPassed => Verdicts.Count > 0 && Passed == Verdicts.Count;
}
