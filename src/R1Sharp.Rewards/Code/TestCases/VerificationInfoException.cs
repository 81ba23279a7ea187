namespace R1Sharp.Rewards.Code.TestCases;

/// <summary>A row's <c>verification_info</c> is malformed; the message names the field and what is wrong.</summary>
public sealed class VerificationInfoException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="field">The JSON path of the offending field, e.g. <c>verification_info.test_cases[2].output</c>.</param>
    /// <param name="problem">What is wrong with it.</param>
    public VerificationInfoException(string field, string problem) : base($"{field}: {problem}")
    {
        Field = field;
    }

    /// <summary>The JSON path of the offending field.</summary>
    public string Field { get; }
}
