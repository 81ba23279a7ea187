namespace R1Sharp.Evaluation.Backends;

/// <summary>Ask for <see cref="Count"/> independent samples of one conversation.</summary>
/// <param name="Messages">The conversation; the backend applies the model's chat template.</param>
/// <param name="Count">Number of samples (OpenAI's <c>n</c>), at least 1.</param>
/// <param name="Sampling">Sampling settings.</param>
public sealed record CompletionRequest(IReadOnlyList<PromptMessage> Messages, int Count, SamplingParameters Sampling);
