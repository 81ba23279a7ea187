using System.Text;
using System.Text.RegularExpressions;

namespace R1Sharp.Pipeline;

/// <summary>
/// The two "languages" of <c>r1 pipeline</c>'s built-in world. The task tokenizer knows printable ASCII only, so the
/// second language cannot be another script; it is a small invented vocabulary ("Lingua") with one word for each
/// English word a chain of thought uses (then, wait, check, again, is, not, try) and of the words of the
/// reasoning questions, so that a question can be asked in either language. The two are told apart by
/// lexicon, where DeepSeek-R1's language-consistency reward tells scripts apart; the measured quantity is the same:
/// the share of the reasoning's words that are in the target language: the language of the question, as in the paper
/// (a question asked in Lingua is answered in Lingua, one asked in English in English).
/// </summary>
public static partial class Lingua
{
    /// <summary>English word → its Lingua word.</summary>
    public static IReadOnlyDictionary<string, string> FromEnglish { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["then"] = "tam",
        ["wait"] = "ato",
        ["check"] = "kon",
        ["again"] = "ree",
        ["is"] = "es",
        ["not"] = "ne",
        ["try"] = "pro",
        // The words of the reasoning tasks' questions ("Using the numbers [..], make 21. Use each number exactly once
        // with + - * /", "Compute ..."), so that a question can be asked in Lingua (QuestionInLingua).
        ["Using"] = "Usa",
        ["numbers"] = "numi",
        ["make"] = "fa",
        ["Use"] = "Usi",
        ["each"] = "oni",
        ["number"] = "numo",
        ["exactly"] = "esa",
        ["once"] = "una",
        ["with"] = "kun",
        ["Compute"] = "Kalku",
    };

    private static readonly HashSet<string> LinguaWords = [.. FromEnglish.Values];

    /// <summary>
    /// Writes the worked steps of an English chain of thought as readable prose: consecutive steps ("4*5=20, 3+20=23")
    /// are joined by " then ", so that every worked chain of thought has words in some language.
    /// </summary>
    public static string JoinSteps(string reasoning) => StepSeparator().Replace(reasoning ?? throw new ArgumentNullException(nameof(reasoning)), " then ");

    /// <summary>
    /// Translates the words of an English text: each known word becomes its Lingua word with probability
    /// <paramref name="share"/> (1 = all Lingua, 0 = unchanged; in between, a code-switched text).
    /// </summary>
    public static string Translate(string english, double share, Random random)
    {
        ArgumentNullException.ThrowIfNull(english);
        ArgumentNullException.ThrowIfNull(random);
        return Word().Replace(english, m => FromEnglish.TryGetValue(m.Value, out var lingua) && random.NextDouble() < share ? lingua : m.Value);
    }

    /// <summary>Words (letter runs of two or more) of <paramref name="text"/>: how many are Lingua and how many are anything else (English).</summary>
    public static (int English, int Lingua) CountWords(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int english = 0, lingua = 0;
        foreach (Match m in Word().Matches(text))
        {
            if (m.Length < 2) continue; // a lone letter is a variable, not a word (as WordSegmenter counts)
            if (LinguaWords.Contains(m.Value)) lingua++;
            else english++;
        }
        return (english, lingua);
    }

    /// <summary>
    /// The chain of thought of a completion: the text after <c>&lt;think&gt;</c> up to <c>&lt;/think&gt;</c> (or the
    /// end when cut off); the whole completion when it opens no think block.
    /// </summary>
    public static string Reasoning(string completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        int open = completion.IndexOf("<think>", StringComparison.Ordinal);
        if (open < 0) return completion;
        int start = open + "<think>".Length;
        int close = completion.IndexOf("</think>", start, StringComparison.Ordinal);
        return close < 0 ? completion[start..] : completion[start..close];
    }

    /// <summary>
    /// Language consistency of a completion, DeepSeek-R1's reward: the share of its reasoning's words in the target
    /// language (Lingua when <paramref name="inLingua"/>, else English); null when the reasoning holds no word.
    /// </summary>
    public static double? Consistency(string completion, bool inLingua = false)
    {
        var (english, lingua) = CountWords(Reasoning(completion));
        return english + lingua == 0 ? null : (double)(inLingua ? lingua : english) / (english + lingua);
    }

    /// <summary>True when the reasoning holds a word of the other language than the target (Lingua when <paramref name="inLingua"/>, else English).</summary>
    public static bool IsMixed(string completion, bool inLingua = false)
    {
        var (english, lingua) = CountWords(Reasoning(completion));
        return (inLingua ? english : lingua) > 0;
    }

    /// <summary>
    /// True when <paramref name="prompt"/> asks its question in Lingua (it holds a Lingua word; the R1-Zero template and the
    /// English questions hold none), so that the target language of its reasoning is Lingua.
    /// </summary>
    public static bool AsksInLingua(string prompt) => CountWords(prompt).Lingua > 0;

    /// <summary>A question asked in Lingua: every word of it that Lingua has is translated ("Compute 3+4" → "Kalku 3+4").</summary>
    public static string QuestionInLingua(string question) => Translate(question, 1.0, new Random(0));

    /// <summary>A text of words, for tests and docs: "wait, check again" → its Lingua.</summary>
    public static string ToLingua(string english) => Translate(english, 1.0, new Random(0));

    [GeneratedRegex(@"(?<=\d), (?=[\d(])")]
    private static partial Regex StepSeparator();

    [GeneratedRegex(@"[A-Za-z]+")]
    private static partial Regex Word();
}
