using System.Globalization;
using System.Text.RegularExpressions;

namespace R1Sharp.RewardModels;

/// <summary>
/// Reads a judge's reply. The judge's own reasoning (anything up to its last <c>&lt;/think&gt;</c>, as R1-style judges
/// write) is ignored; then the <b>last</b> verdict or score line counts, so a judge that quotes the format before
/// answering is read right. Anything else — empty text, no such line, a score outside [0, max] — is a failure
/// with a reason, never a score of 0.
/// </summary>
public static partial class JudgeVerdictParser
{
    /// <summary>The score in [0, 1], or null with the reason it could not be read.</summary>
    /// <param name="reply">The judge's text.</param>
    /// <param name="mode">What was asked for.</param>
    /// <param name="maxScore">The top of the score scale (score mode). Default 10.</param>
    public static (double? Score, string? Problem) Parse(string? reply, JudgeMode mode, double maxScore = 10)
    {
        if (string.IsNullOrWhiteSpace(reply)) return (null, "empty reply");
        int close = reply.LastIndexOf("</think>", StringComparison.Ordinal);
        string text = close >= 0 ? reply[(close + "</think>".Length)..] : reply;
        if (mode == JudgeMode.Verdict)
        {
            var matches = VerdictLine().Matches(text);
            if (matches.Count == 0)
            {
                // A bare one-word reply ("Correct.") is a verdict too.
                string bare = text.Trim().Trim('.', '*', '"', '\'', '`', ' ').ToUpperInvariant();
                return bare switch
                {
                    "CORRECT" or "YES" or "TRUE" => (1.0, null),
                    "INCORRECT" or "NO" or "FALSE" or "WRONG" => (0.0, null),
                    _ => (null, $"no 'VERDICT: CORRECT|INCORRECT' line in the reply: {Preview(text)}"),
                };
            }
            string word = matches[^1].Groups[1].Value.ToUpperInvariant();
            return (word is "CORRECT" or "YES" or "TRUE" or "RIGHT" ? 1.0 : 0.0, null);
        }
        var scores = ScoreLine().Matches(text);
        if (scores.Count == 0) return (null, $"no 'SCORE: n' line in the reply: {Preview(text)}");
        var last = scores[^1];
        double value = double.Parse(last.Groups[1].Value, CultureInfo.InvariantCulture);
        double scale = last.Groups[2].Success ? double.Parse(last.Groups[2].Value, CultureInfo.InvariantCulture) : maxScore;
        if (scale <= 0 || value < 0 || value > scale) return (null, $"score {last.Groups[1].Value} is outside [0, {scale.ToString(CultureInfo.InvariantCulture)}]");
        return (value / scale, null);
    }

    private static string Preview(string text)
    {
        string flat = text.Trim().ReplaceLineEndings(" ");
        return flat.Length <= 80 ? $"'{flat}'" : $"'{flat[..80]}...'";
    }

    [GeneratedRegex(@"(?im)\b(?:verdict|judgement|judgment|final\s+verdict)[*_\s]*[:=][\s*_`""'\[]*(correct|incorrect|yes|no|true|false|right|wrong)\b")]
    private static partial Regex VerdictLine();

    [GeneratedRegex(@"(?im)\b(?:score|rating)[*_\s]*[:=][\s*_`""'\[]*(-?\d+(?:\.\d+)?)(?:\s*/\s*(\d+(?:\.\d+)?))?")]
    private static partial Regex ScoreLine();
}
