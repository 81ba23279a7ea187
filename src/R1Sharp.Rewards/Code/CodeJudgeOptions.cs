using R1Sharp.Rewards.Sandbox;

namespace R1Sharp.Rewards.Code;

/// <summary>How programs are judged.</summary>
public sealed record CodeJudgeOptions
{
    /// <summary>Limits of each test run. Default <see cref="ResourceLimits.Default"/> (5 s CPU, 10 s wall, 512 MiB).</summary>
    public ResourceLimits Limits { get; init; } = ResourceLimits.Default;

    /// <summary>Limits of the compile step (C++). Default <see cref="ResourceLimits.Compiler"/> (30 s CPU, 2 GiB).</summary>
    public ResourceLimits CompileLimits { get; init; } = ResourceLimits.Compiler;

    /// <summary>Numbers may differ by this much x max(1, |expected|); null (default) compares tokens exactly,
    /// as open-r1's checker does. 1e-6 is the usual judge setting for floating-point answers.</summary>
    public double? FloatTolerance { get; init; }
}
