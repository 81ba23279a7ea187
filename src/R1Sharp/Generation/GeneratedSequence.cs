namespace R1Sharp.Generation;

/// <summary>One completion produced by <see cref="BatchedGenerator"/>.</summary>
/// <param name="PromptIndex">Index of its prompt in the list passed to <see cref="BatchedGenerator.Generate"/>.</param>
/// <param name="Tokens">Generated ids (prompt excluded). An EOS id that ended it is included as the last token.</param>
/// <param name="LogProbs">
/// log p(token) of each generated token under the model's unmodified distribution (temperature 1, no top-k/top-p):
/// the old-policy log-probs pi_theta_old of the GRPO ratio when the trainer also scores at temperature 1.
/// </param>
/// <param name="SamplingLogProbs">Log-probs under the distribution chosen by <see cref="SamplingOptions.SamplingLogProbs"/>; null when not asked for.</param>
/// <param name="FinishReason">Why it ended.</param>
/// <param name="StopString">The stop string that ended it, when <paramref name="FinishReason"/> is <see cref="Generation.FinishReason.StopString"/>.</param>
public sealed record GeneratedSequence(
    int PromptIndex,
    int[] Tokens,
    float[] LogProbs,
    float[]? SamplingLogProbs,
    FinishReason FinishReason,
    string? StopString = null);
