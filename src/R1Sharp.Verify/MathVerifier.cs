using R1Sharp.Verify.Comparison;
using R1Sharp.Verify.Extraction;

namespace R1Sharp.Verify;

/// <summary>
/// Decides whether a model's math answer is correct, by the rules of docs/verifier-policy.md: exact rational
/// arithmetic, symbolic comparison of expressions, sets/tuples/intervals/equations/matrices, and no credit for
/// hedged answers. Pure, deterministic and thread-safe; never throws on malformed input; each check is bounded
/// by <see cref="VerifyOptions.TimeBudget"/>.
/// </summary>
public static class MathVerifier
{
    /// <summary>Extracts the final answer from <paramref name="response"/> and compares it with <paramref name="gold"/>.</summary>
    /// <param name="gold">The reference answer (e.g. <c>\frac{1}{2}</c>); a reference solution's last <c>\boxed{}</c> is used when present.</param>
    /// <param name="response">The full model output, thinking included.</param>
    /// <param name="options">Options; <see cref="VerifyOptions.Default"/> when null.</param>
    public static VerificationResult Verify(string gold, string response, VerifyOptions? options = null)
    {
        options ??= VerifyOptions.Default;
        try
        {
            string? extracted = AnswerExtractor.Extract(response ?? "", options.Extraction);
            if (extracted is null) return new VerificationResult(false, null, "no answer found");
            string? goldAnswer = GoldAnswer(gold);
            if (goldAnswer is null) return new VerificationResult(false, extracted, AnswerEquivalence.GoldUnparsable);
            var (equal, error) = AnswerEquivalence.Compare(goldAnswer, extracted, options);
            return new VerificationResult(equal, extracted, error);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bug must not crash a training run: the sample is scored wrong and the reason kept.
            return new VerificationResult(false, null, "internal error: " + ex.GetType().Name);
        }
    }

    /// <summary>
    /// Whether two already-extracted answers are equivalent (e.g. to group samples for cons@k majority voting).
    /// The first argument plays the gold's role (percent and decimal rules are not symmetric).
    /// </summary>
    /// <param name="goldAnswer">The reference answer.</param>
    /// <param name="predictedAnswer">The answer to judge.</param>
    /// <param name="options">Options; <see cref="VerifyOptions.Default"/> when null.</param>
    public static bool AreEquivalent(string goldAnswer, string predictedAnswer, VerifyOptions? options = null)
    {
        if (goldAnswer is null || predictedAnswer is null) return false;
        try
        {
            return AnswerEquivalence.Compare(goldAnswer, predictedAnswer, options ?? VerifyOptions.Default).Equal;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }

    /// <summary>
    /// Symmetric equivalence of two extracted answers, for grouping samples (cons@k majority vote): each must be
    /// accepted with the other as gold. Stricter than <see cref="AreEquivalent"/> where the policy is one-sided
    /// (<c>28\%</c> vs <c>28</c>, an inexact decimal vs an exact value), so a group never mixes such answers.
    /// </summary>
    /// <param name="first">One extracted answer.</param>
    /// <param name="second">The other extracted answer.</param>
    /// <param name="options">Options; <see cref="VerifyOptions.Default"/> when null.</param>
    public static bool AreSameAnswer(string first, string second, VerifyOptions? options = null) =>
        AreEquivalent(first, second, options) && AreEquivalent(second, first, options);

    /// <summary>
    /// Whether <paramref name="goldAnswer"/> can be judged against at all (a choice letter, a text answer or
    /// well-formed math; a worked solution counts through its last box). Rewards return "not applicable" otherwise.
    /// </summary>
    /// <param name="goldAnswer">The reference answer or reference solution.</param>
    /// <param name="options">Options; <see cref="VerifyOptions.Default"/> when null.</param>
    public static bool IsUsableGold(string goldAnswer, VerifyOptions? options = null)
    {
        try
        {
            string? answer = GoldAnswer(goldAnswer);
            return answer is not null && AnswerEquivalence.IsReadable(answer, options ?? VerifyOptions.Default);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }

    /// <summary>The gold as an answer: its last box when it is a worked solution, else the text itself.</summary>
    internal static string? GoldAnswer(string gold)
    {
        if (string.IsNullOrWhiteSpace(gold)) return null;
        return BoxedAnswer.HasBox(gold) ? BoxedAnswer.Last(gold) : gold;
    }
}
