namespace R1Sharp.Rewards.Code;

/// <summary>
/// Finds the program in a completion: the last closed fenced code block (``` or ~~~, CommonMark style, opening
/// fence indented at most 3 spaces) whose info string's first word names the wanted language. When the completion
/// has a <c>&lt;/think&gt;</c>, only the text after the last one counts: code drafted while thinking is not the answer.
/// An unclosed block (a truncated completion) is no program.
/// </summary>
public static class CodeBlockExtractor
{
    /// <summary>The last block in <paramref name="language"/>, or null when there is none.</summary>
    /// <param name="completion">The model's text.</param>
    /// <param name="language">The wanted language.</param>
    /// <param name="acceptUntagged">Also accept blocks without a language tag (off by default, as in open-r1).</param>
    public static string? ExtractLast(string completion, CodeLanguage language, bool acceptUntagged = false)
    {
        ArgumentNullException.ThrowIfNull(completion);
        int think = completion.LastIndexOf("</think>", StringComparison.Ordinal);
        string text = think >= 0 ? completion[(think + "</think>".Length)..] : completion;
        string? last = null;
        foreach (var (tag, body) in Blocks(text))
        {
            bool wanted = tag.Length == 0
                ? acceptUntagged
                : CodeLanguageNames.TryParse(tag, out var tagged) && tagged == language;
            if (wanted)
                last = body;
        }
        return last;
    }

    /// <summary>Every closed fenced block: (first word of the info string, body).</summary>
    public static IEnumerable<(string Tag, string Body)> Blocks(string text)
    {
        string[] lines = text.Replace("\r\n", "\n").Split('\n');
        int i = 0;
        while (i < lines.Length)
        {
            if (!TryOpenFence(lines[i], out char fenceChar, out int fenceLength, out string tag))
            {
                i++;
                continue;
            }
            int close = -1;
            for (int j = i + 1; j < lines.Length; j++)
            {
                if (IsClosingFence(lines[j], fenceChar, fenceLength))
                {
                    close = j;
                    break;
                }
            }
            if (close < 0)
                yield break; // unclosed: the rest is not a block
            yield return (tag, string.Join('\n', lines, i + 1, close - i - 1) + "\n");
            i = close + 1;
        }
    }

    private static bool TryOpenFence(string line, out char fenceChar, out int length, out string tag)
    {
        fenceChar = '\0';
        length = 0;
        tag = "";
        int indent = 0;
        while (indent < line.Length && line[indent] == ' ' && indent < 4) indent++;
        if (indent > 3 || indent >= line.Length || line[indent] is not ('`' or '~'))
            return false;
        fenceChar = line[indent];
        int end = indent;
        while (end < line.Length && line[end] == fenceChar) end++;
        length = end - indent;
        if (length < 3)
            return false;
        string info = line[end..].Trim();
        if (fenceChar == '`' && info.Contains('`'))
            return false;
        int space = info.IndexOfAny([' ', '\t', '{']);
        tag = space >= 0 ? info[..space] : info;
        return true;
    }

    private static bool IsClosingFence(string line, char fenceChar, int minLength)
    {
        string trimmed = line.TrimStart(' ');
        if (line.Length - trimmed.Length > 3)
            return false;
        trimmed = trimmed.TrimEnd();
        return trimmed.Length >= minLength && trimmed.All(c => c == fenceChar);
    }
}
