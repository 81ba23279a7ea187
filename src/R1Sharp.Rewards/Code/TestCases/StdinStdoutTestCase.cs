namespace R1Sharp.Rewards.Code.TestCases;

/// <summary>Feed <paramref name="Input"/> on stdin; stdout must match <paramref name="ExpectedOutput"/> token-wise.</summary>
/// <param name="Input">The whole stdin.</param>
/// <param name="ExpectedOutput">The expected stdout (whitespace differences do not matter).</param>
public sealed record StdinStdoutTestCase(string Input, string ExpectedOutput) : CodeTestCase;
