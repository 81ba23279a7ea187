using R1Sharp.Verify.Algebra;
using R1Sharp.Verify.Parsing;

namespace R1Sharp.Verify.Comparison;

/// <summary>The whole comparison of two extracted answers: normalise, choose text / choice / math, parse, compare.</summary>
internal static class AnswerEquivalence
{
    public const string GoldUnparsable = "gold answer could not be parsed";
    public const string AnswerUnparsable = "answer could not be parsed";
    public const string TooLong = "answer exceeds the size budget";
    public const string OutOfTime = "check exceeded its time budget";

    /// <summary>Whether an answer can be judged at all: a choice letter, a text answer, or well-formed math.</summary>
    public static bool IsReadable(string answer, VerifyOptions options)
    {
        if (answer.Length > options.Extraction.MaxAnswerLength * 4) return false;
        string normalized = LatexNormalizer.Normalize(answer);
        if (normalized.Length == 0) return false;
        if (TextAnswers.ChoiceLetter(normalized) is not null || TextAnswers.IsText(normalized)) return true;
        return LatexParser.Parse(normalized, new CheckBudget(options.TimeBudget, options.MaxExactBits)) is not null;
    }

    public static (bool Equal, string? Error) Compare(string gold, string predicted, VerifyOptions options)
    {
        if (gold.Length > options.Extraction.MaxAnswerLength * 4 || predicted.Length > options.Extraction.MaxAnswerLength)
            return (false, TooLong);
        string g = LatexNormalizer.Normalize(gold);
        string p = LatexNormalizer.Normalize(predicted);
        if (g.Length == 0) return (false, GoldUnparsable);
        if (p.Length == 0) return (false, AnswerUnparsable);

        if (TextAnswers.ChoiceLetter(g) is { } letter && char.IsUpper(g[^1] == ')' ? g[^2] : g[^1]))
            return (TextAnswers.ChoiceLetter(p) == letter, null);
        if (TextAnswers.IsText(g))
            return (TextAnswers.Key(g) == TextAnswers.Key(p), null);
        if (TextAnswers.Key(g) == TextAnswers.Key(p)) return (true, null);

        var budget = new CheckBudget(options.TimeBudget, options.MaxExactBits);
        var goldNode = LatexParser.Parse(g, budget);
        if (goldNode is null) return (false, budget.Exhausted ? OutOfTime : GoldUnparsable);
        var predictedNode = LatexParser.Parse(p, budget);
        if (predictedNode is null) return (false, budget.Exhausted ? OutOfTime : AnswerUnparsable);
        bool equal = new AnswerComparer(budget).AreEquivalent(goldNode, predictedNode);
        return (equal, !equal && budget.Exhausted ? OutOfTime : null);
    }
}
