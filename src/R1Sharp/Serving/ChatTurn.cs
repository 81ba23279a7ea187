namespace R1Sharp.Serving;

/// <summary>One message of a conversation, as chat templates take it.</summary>
/// <param name="Role">system, user, assistant or tool.</param>
/// <param name="Content">The message text.</param>
public sealed record ChatTurn(string Role, string Content);
