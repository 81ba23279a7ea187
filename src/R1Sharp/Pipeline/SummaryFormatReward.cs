using System.Text.RegularExpressions;
using R1Sharp.Rewards;

namespace R1Sharp.Pipeline;

/// <summary>
/// The format reward of R1's output format on the built-in tasks (name <c>format</c>): 1 when the completion is
/// <c>&lt;think&gt; reasoning &lt;/think&gt; summary &lt;answer&gt;…&lt;/answer&gt;</c>, each tag once, reasoning,
/// summary and answer non-empty; else 0; null for chat rows (no format is asked of them).
/// </summary>
public sealed partial class SummaryFormatReward : IRewardFunction
{
    /// <inheritdoc />
    public string Name => "format";

    /// <summary>True when <paramref name="completion"/> has the layout.</summary>
    public static bool IsWellFormatted(string completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        var m = Layout().Match(completion);
        return m.Success && m.Groups[1].Value.Trim().Length > 0 && m.Groups[2].Value.Trim().Length > 0 && m.Groups[3].Value.Trim().Length > 0;
    }

    /// <inheritdoc />
    public ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ValueTask.FromResult<double?>(ChatTask.IsChat(input.Row) ? null : IsWellFormatted(input.Completion) ? 1.0 : 0.0);
    }

    [GeneratedRegex(@"^\s*<think>((?:(?!</?think>|</?answer>).)*)</think>((?:(?!</?think>|</?answer>).)*)<answer>((?:(?!</?think>|</?answer>).)*)</answer>\s*$", RegexOptions.Singleline)]
    private static partial Regex Layout();
}
