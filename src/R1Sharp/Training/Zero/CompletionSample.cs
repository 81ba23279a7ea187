namespace R1Sharp.Training.Zero;

/// <summary>One example completion for reports.</summary>
/// <param name="Family">Task family.</param>
/// <param name="Question">The question.</param>
/// <param name="Completion">What the model wrote.</param>
/// <param name="Correct">Whether its answer was right.</param>
public sealed record CompletionSample(string Family, string Question, string Completion, bool Correct);
