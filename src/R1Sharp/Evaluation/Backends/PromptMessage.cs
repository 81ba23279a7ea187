namespace R1Sharp.Evaluation.Backends;

/// <summary>One chat turn sent to a model.</summary>
/// <param name="Role"><c>system</c>, <c>user</c> or <c>assistant</c>.</param>
/// <param name="Content">The turn's text.</param>
public sealed record PromptMessage(string Role, string Content);
