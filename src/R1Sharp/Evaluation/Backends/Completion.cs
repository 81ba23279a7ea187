namespace R1Sharp.Evaluation.Backends;

/// <summary>One sample returned by a backend, or the reason it could not be produced.</summary>
/// <param name="Text">The response (for servers that return reasoning separately, <c>&lt;think&gt;reasoning&lt;/think&gt;</c> followed by the answer), or null on failure.</param>
/// <param name="CompletionTokens">Generated tokens, or null when the backend did not say.</param>
/// <param name="TokensEstimated">True when <paramref name="CompletionTokens"/> was apportioned from a request-wide total.</param>
/// <param name="FinishReason"><c>stop</c>, <c>length</c>, ... as reported, or null.</param>
/// <param name="Error">What went wrong when <paramref name="Text"/> is null.</param>
public sealed record Completion(string? Text, int? CompletionTokens, bool TokensEstimated, string? FinishReason, string? Error)
{
    /// <summary>A failed sample.</summary>
    public static Completion Failure(string error) => new(null, null, false, null, error);

    /// <summary>Tool calls the sample made (in-process backend with tools, issue 20); null when tools were off.</summary>
    public int? ToolCalls { get; init; }

    /// <summary>Of <see cref="ToolCalls"/>, the calls that failed (unreadable, unknown tool, error, timeout); null when tools were off.</summary>
    public int? ToolFailures { get; init; }
}
