using System.Globalization;
using System.Text.RegularExpressions;
using R1Sharp.Evaluation.Judging;

namespace R1Sharp.Tests.Evaluation;

/// <summary>
/// Test double for the verifier: the answer is the last <c>\boxed{...}</c> (no nesting); two answers are equivalent
/// when both are numbers (integers, decimals, <c>a/b</c>, <c>\frac{a}{b}</c>) of equal value, else when equal as strings.
/// </summary>
internal sealed partial class BoxedNumberJudge : IAnswerJudge
{
    public AnswerJudgement Judge(string gold, string response)
    {
        var matches = BoxedPattern().Matches(response);
        if (matches.Count == 0) return new AnswerJudgement(false, null);
        string extracted = matches[^1].Groups[1].Value.Trim();
        if (extracted.Length == 0) return new AnswerJudgement(false, null);
        return new AnswerJudgement(AreEquivalent(gold, extracted), extracted);
    }

    public bool AreEquivalent(string first, string second) =>
        ValueOf(first) is { } a && ValueOf(second) is { } b ? a == b : string.Equals(first.Trim(), second.Trim(), StringComparison.Ordinal);

    private static decimal? ValueOf(string text)
    {
        text = text.Trim();
        var fraction = FractionPattern().Match(text);
        if (fraction.Success)
            return decimal.Parse(fraction.Groups["n"].Value, CultureInfo.InvariantCulture) / decimal.Parse(fraction.Groups["d"].Value, CultureInfo.InvariantCulture);
        return decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out decimal value) ? value : null;
    }

    [GeneratedRegex(@"\\boxed\{([^{}]*)\}")]
    private static partial Regex BoxedPattern();

    [GeneratedRegex(@"^(?:\\frac\{(?<n>-?\d+)\}\{(?<d>[1-9]\d*)\}|(?<n>-?\d+)/(?<d>[1-9]\d*))$")]
    private static partial Regex FractionPattern();
}
