namespace R1Sharp.Rewards.Code.TestCases;

/// <summary>One test of a program: <see cref="StdinStdoutTestCase"/> or <see cref="FunctionCallTestCase"/>.</summary>
public abstract record CodeTestCase;
