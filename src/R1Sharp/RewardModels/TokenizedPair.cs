namespace R1Sharp.RewardModels;

/// <summary>A preference pair as token ids.</summary>
/// <param name="Chosen">Tokens of prompt + preferred response.</param>
/// <param name="Rejected">Tokens of prompt + the other response.</param>
/// <param name="Location">"file:line" of the row.</param>
public sealed record TokenizedPair(IReadOnlyList<int> Chosen, IReadOnlyList<int> Rejected, string Location);
