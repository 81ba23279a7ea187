using R1Sharp.Verify;

namespace R1Sharp.Evaluation.Judging;

/// <summary>
/// The evaluation's default judge: <see cref="MathVerifier"/> under docs/verifier-policy.md (answer after the last
/// <c>&lt;/think&gt;</c>, last <c>\boxed{}</c>, exact and symbolic equivalence, no credit for hedges).
/// </summary>
public sealed class MathVerifierJudge : IAnswerJudge
{
    private readonly VerifyOptions _options;

    /// <summary>Creates the judge.</summary>
    /// <param name="lastNumberFallback">
    /// Accept a response's last number when it states no answer otherwise; only for presets whose answers are
    /// plain numbers (gsm8k), never for rewards (policy rule 1).
    /// </param>
    /// <param name="options">Verifier options; <see cref="VerifyOptions.Default"/> when null.</param>
    public MathVerifierJudge(bool lastNumberFallback = false, VerifyOptions? options = null)
    {
        var baseOptions = options ?? VerifyOptions.Default;
        _options = baseOptions with { Extraction = baseOptions.Extraction with { LastNumberFallback = lastNumberFallback } };
    }

    /// <summary>The judge a benchmark asks for (its last-number fallback setting).</summary>
    public static MathVerifierJudge For(Benchmarks.BenchmarkDefinition benchmark)
    {
        ArgumentNullException.ThrowIfNull(benchmark);
        return new MathVerifierJudge(benchmark.LastNumberFallback);
    }

    /// <inheritdoc />
    public AnswerJudgement Judge(string gold, string response)
    {
        var result = MathVerifier.Verify(gold, response, _options);
        // "No answer" is already told by Extracted == null; Error keeps real problems (unparsable gold, time budget).
        string? error = result.Extracted is null && result.Error == "no answer found" ? null : result.Error;
        return new AnswerJudgement(result.Correct, result.Extracted, error);
    }

    /// <summary>
    /// Equivalence for the majority vote. The verifier's comparison gives the first answer the gold's role (a
    /// decimal gold is exact, so <c>0.333333</c> as gold rejects <c>1/3</c> but accepts it as a prediction); votes
    /// have no gold, so two answers group when either direction holds.
    /// </summary>
    public bool AreEquivalent(string first, string second) =>
        MathVerifier.AreEquivalent(first, second, _options) || MathVerifier.AreEquivalent(second, first, _options);
}
