namespace R1Sharp.Training.Rollouts;

/// <summary>One sampled completion returned by an <see cref="IRolloutEngine"/>.</summary>
/// <param name="PromptIndex">Index of its prompt in the request.</param>
/// <param name="Tokens">Completion token ids (a final EOS included).</param>
/// <param name="LogProbs">log π_old of each token at sampling time, under the sampling temperature (logits / T, before top-p), when the engine reports them.</param>
/// <param name="Truncated">True when generation hit the token limit before EOS.</param>
public sealed record Rollout(int PromptIndex, int[] Tokens, float[]? LogProbs, bool Truncated)
{
    /// <summary>The tool calls of a multi-turn rollout, and which of <see cref="Tokens"/> are tool output; null when tools are off.</summary>
    public ToolUse? Tools { get; init; }
}
