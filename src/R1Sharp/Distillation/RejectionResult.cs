namespace R1Sharp.Distillation;

/// <summary>Responses that passed every rule, and the statistics of the run.</summary>
/// <param name="Kept">Kept responses, in input order.</param>
/// <param name="Statistics">Counts of kept and dropped responses by reason.</param>
public sealed record RejectionResult(IReadOnlyList<SampledResponse> Kept, RejectionStatistics Statistics);
