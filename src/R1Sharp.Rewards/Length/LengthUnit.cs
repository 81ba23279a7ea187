namespace R1Sharp.Rewards.Length;

/// <summary>How a completion's length is measured.</summary>
public enum LengthUnit
{
    /// <summary>Generated tokens (<see cref="RewardInput.CompletionTokens"/>), as "Demystifying Long CoT" and DAPO count.</summary>
    Tokens,

    /// <summary>UTF-16 characters of the completion text, as open-r1's <c>cosine_scaled</c> counts (<c>len(content)</c>).</summary>
    Characters,
}
