namespace R1Sharp.Verify;

/// <summary>
/// How <see cref="AnswerExtractor"/> finds the final answer in a model response. The defaults follow
/// docs/verifier-policy.md rule 1 and are the ones rewards must use.
/// </summary>
public sealed record ExtractionOptions
{
    /// <summary>
    /// When no boxed answer, answer tag, answer phrase or answer line is found, take the last number in the text.
    /// Default <c>false</c>: only benchmark presets that were scored this way (e.g. GSM8K "last number", as in
    /// lm-evaluation-harness' flexible-extract) turn it on; never for rewards (policy rule 1).
    /// </summary>
    public bool LastNumberFallback { get; init; }

    /// <summary>
    /// Longest extracted answer, in characters, that is still treated as an answer. Default 1,000: a "box" around
    /// a whole question or paragraph is no answer.
    /// </summary>
    public int MaxAnswerLength { get; init; } = 1_000;

    /// <summary>
    /// Longest whole response accepted as a bare answer when it contains no answer marker at all (policy rule 1:
    /// "the whole response, provided it is only an answer"). Default 200 characters, on a single line.
    /// </summary>
    public int MaxBareAnswerLength { get; init; } = 200;

    /// <summary>The default options (policy rule 1).</summary>
    public static ExtractionOptions Default { get; } = new();
}
