using System.Text.Json;
using System.Text.RegularExpressions;
using R1Sharp.Rewards;
using R1Sharp.Rewards.Format;

namespace R1Sharp.Tasks;

/// <summary>Pulls the answer and checks the structure of an R1-Zero completion.</summary>
public static partial class AnswerExtraction
{
    /// <summary>The text of the last <c>&lt;answer&gt;…&lt;/answer&gt;</c> block, or null when there is none.</summary>
    public static string? LastAnswer(string completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        var matches = AnswerBlock().Matches(completion);
        return matches.Count == 0 ? null : matches[^1].Groups[1].Value.Trim();
    }

    /// <summary>
    /// True when the completion is exactly <c>&lt;think&gt;…&lt;/think&gt;</c> then <c>&lt;answer&gt;…&lt;/answer&gt;</c> (whitespace around
    /// allowed), each tag once: the format the R1-Zero template asks for.
    /// </summary>
    public static bool HasR1ZeroFormat(string completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        return R1ZeroFormat.IsWellFormatted(new RewardInput("", completion, EmptyRow));
    }

    // One implementation of the rule: the format reward GRPO trains with.
    private static readonly FormatReward R1ZeroFormat = TaskRewards.CreateFormat();

    private static readonly IReadOnlyDictionary<string, JsonElement> EmptyRow = new Dictionary<string, JsonElement>();

    [GeneratedRegex(@"<answer>(.*?)</answer>", RegexOptions.Singleline, matchTimeoutMilliseconds: 1000)]
    private static partial Regex AnswerBlock();
}
