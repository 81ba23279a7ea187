using System.Text.RegularExpressions;
using R1Sharp.Verify.Extraction;

namespace R1Sharp.Verify;

/// <summary>
/// Finds the final answer in a model response (docs/verifier-policy.md rule 1): only the text after the last
/// <c>&lt;/think&gt;</c> counts; then the last <c>\boxed{}</c>/<c>\fbox{}</c>; then the last <c>&lt;answer&gt;</c> tag;
/// then "the (final) answer is …"; then a final "Answer:" / "A:" / "####" line; then the whole response when it
/// is only an answer. Thread-safe and allocation-light; never throws on malformed text.
/// </summary>
public static partial class AnswerExtractor
{
    /// <summary>The final answer of <paramref name="response"/>, or null when it has none.</summary>
    /// <param name="response">The full model output.</param>
    /// <param name="options">Extraction options; <see cref="ExtractionOptions.Default"/> when null.</param>
    public static string? Extract(string response, ExtractionOptions? options = null)
    {
        options ??= ExtractionOptions.Default;
        if (string.IsNullOrWhiteSpace(response)) return null;
        string text = AfterThinking(response);
        string? answer = FindAnswer(text, options);
        if (answer is null || answer.Length > options.MaxAnswerLength) return null;
        return answer;
    }

    private static string AfterThinking(string response)
    {
        int end = response.LastIndexOf("</think>", StringComparison.Ordinal);
        return end < 0 ? response : response[(end + "</think>".Length)..];
    }

    private static string? FindAnswer(string text, ExtractionOptions options)
    {
        if (BoxedAnswer.HasBox(text)) return BoxedAnswer.Last(text);
        var tagged = AnswerTag().Matches(text);
        if (tagged.Count > 0)
        {
            string inner = tagged[^1].Groups["answer"].Value.Trim();
            return inner.Length == 0 ? null : AnswerPhrases.AfterAnswerIs(inner) ?? AnswerPhrases.FinalLine(inner) ?? inner;
        }
        var stated = AnswerPhrases.AfterAnswerIs(text) ?? AnswerPhrases.FinalLine(text);
        if (stated is not null) return stated;
        string bare = text.Trim();
        if (IsBareAnswer(bare, options)) return bare;
        if (options.LastNumberFallback)
        {
            var numbers = LastNumber().Matches(text);
            if (numbers.Count > 0) return numbers[^1].Value.TrimEnd('.');
        }
        return null;
    }

    // "The whole response, provided it is only an answer": one short line with at most a few words.
    private static bool IsBareAnswer(string text, ExtractionOptions options)
    {
        if (text.Length == 0 || text.Length > options.MaxBareAnswerLength) return false;
        string inner = text.Trim('$', ' ', '\n').Trim();
        if (inner.StartsWith("\\text{", StringComparison.Ordinal) && inner.EndsWith('}') && inner.IndexOf('}') == inner.Length - 1) return true;
        // Prose in another script (CJK, Arabic, Devanagari…) is not "only an answer" either; Greek letters are math.
        if (text.Any(c => char.IsLetter(c) && c > '\u024F' && (c < '\u0370' || c > '\u03FF'))) return false;
        return !text.Contains('\n') && Words().Count(text) <= 2;
    }

    [GeneratedRegex(@"<answer>(?<answer>.*?)(?:</answer>|$)", RegexOptions.Singleline)]
    private static partial Regex AnswerTag();

    [GeneratedRegex(@"-?\d[\d,]*(?:\.\d+)?")]
    private static partial Regex LastNumber();

    [GeneratedRegex(@"(?<![\\A-Za-z])[A-Za-z]{2,}")]
    private static partial Regex Words();
}
