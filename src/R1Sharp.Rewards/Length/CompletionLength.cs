namespace R1Sharp.Rewards.Length;

/// <summary>Measures a completion in a <see cref="LengthUnit"/>, refusing token counts that were never filled in.</summary>
internal static class CompletionLength
{
    /// <exception cref="ArgumentException">Token length asked for but <see cref="RewardInput.CompletionTokens"/> is negative, or 0 for a non-empty completion.</exception>
    public static int Measure(RewardInput input, LengthUnit unit, string rewardName)
    {
        if (unit == LengthUnit.Characters) return input.Completion.Length;
        if (input.CompletionTokens < 0)
            throw new ArgumentException(
                $"Reward '{rewardName}': RewardInput.CompletionTokens is {input.CompletionTokens}; it must be >= 0.", nameof(input));
        // 0 tokens for visible text means the caller did not set the count; scoring it as "very short" would
        // silently hand out the best length reward, so this is an error instead.
        if (input.CompletionTokens == 0 && input.Completion.Length > 0)
            throw new ArgumentException(
                $"Reward '{rewardName}' measures tokens but RewardInput.CompletionTokens is 0 for a non-empty completion; " +
                "set CompletionTokens or measure in characters.", nameof(input));
        return input.CompletionTokens;
    }
}
