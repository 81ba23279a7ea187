using R1Sharp.Rewards.Sandbox;

namespace R1Sharp.Rewards.Code;

/// <summary>One unjudged run of a program (<see cref="CodeJudge.RunOnceAsync"/>).</summary>
/// <param name="CompileError">The compiler's complaint when compilation failed (then <paramref name="Run"/> is null).</param>
/// <param name="Run">The run, when the program compiled (or needs no compiling).</param>
public sealed record SingleRunOutcome(string? CompileError, SandboxRunResult? Run);
