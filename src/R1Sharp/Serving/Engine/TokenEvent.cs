using R1Sharp.Generation;

namespace R1Sharp.Serving.Engine;

/// <summary>
/// One step of a job: a generated token with its log-probability, or (when <see cref="Finish"/> is set) the end of
/// the sequence. The final event carries no token.
/// </summary>
/// <param name="TokenId">The sampled token, or -1 on the final event.</param>
/// <param name="LogProb">Its log-probability under the model (temperature 1).</param>
/// <param name="Finish">Why the sequence ended (final event only).</param>
/// <param name="StopString">The stop string that ended it, if any.</param>
public sealed record TokenEvent(int TokenId, float LogProb, FinishReason? Finish = null, string? StopString = null);
