namespace R1Sharp.Generation;

/// <summary>Why a generated sequence ended.</summary>
public enum FinishReason
{
    /// <summary>The model produced one of <see cref="SamplingOptions.EosIds"/> (kept as the last token).</summary>
    Eos,

    /// <summary>The decoded completion came to contain one of <see cref="SamplingOptions.StopStrings"/>.</summary>
    StopString,

    /// <summary><see cref="SamplingOptions.MaxNewTokens"/> were generated without a stop (a truncated completion).</summary>
    Length,

    /// <summary><see cref="SamplingOptions.StopWhen"/> returned true (for example: the row wrote a complete tool call).</summary>
    StopCondition,
}
