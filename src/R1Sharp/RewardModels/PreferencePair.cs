namespace R1Sharp.RewardModels;

/// <summary>One preference: the full text of the preferred and the other response, each after its prompt.</summary>
/// <param name="Chosen">Prompt and preferred response, as the reward model reads it.</param>
/// <param name="Rejected">Prompt and the other response.</param>
/// <param name="Location">"file:line" of the row, for messages.</param>
public sealed record PreferencePair(string Chosen, string Rejected, string Location);
