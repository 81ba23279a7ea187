namespace R1Sharp.Training.Sft;

/// <summary>A training conversation and the data-set row it came from (for error messages).</summary>
/// <param name="Turns">Messages in order; at least one is an assistant turn.</param>
/// <param name="Location">"file:line" of the row.</param>
public sealed record Conversation(IReadOnlyList<ConversationTurn> Turns, string Location);
