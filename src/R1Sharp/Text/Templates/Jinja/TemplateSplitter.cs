namespace R1Sharp.Text.Templates.Jinja;

/// <summary>
/// Splits template source into text and tags, applying Jinja's whitespace control exactly as transformers configures
/// it: <c>trim_blocks</c> (drop the first newline after a block or comment tag), <c>lstrip_blocks</c> (drop spaces
/// and tabs before a block or comment tag that starts its line), <c>-</c> / <c>+</c> markers, and
/// <c>keep_trailing_newline=False</c> (one final newline of the source is dropped).
/// </summary>
internal static class TemplateSplitter
{
    public static List<TemplateSegment> Split(string source, out string normalizedSource)
    {
        // Jinja normalizes the template's own line endings to \n, then (keep_trailing_newline=False) drops one final newline.
        source = source.Replace("\r\n", "\n").Replace('\r', '\n');
        if (source.EndsWith('\n')) source = source[..^1];
        normalizedSource = source;
        var segments = new List<TemplateSegment>();
        int position = 0;
        bool lineStarting = true;
        while (position < source.Length)
        {
            int open = FindTagStart(source, position);
            string text = open < 0 ? source[position..] : source[position..open];
            if (open < 0)
            {
                AddText(segments, text, position);
                break;
            }
            char kind = source[open + 1];
            char marker = open + 2 < source.Length ? source[open + 2] : '\0';
            if (marker == '-')
            {
                text = text.TrimEnd();
            }
            else if (marker != '+' && kind != '{')
            {
                // lstrip_blocks: only spaces/tabs between the line start and the tag.
                int lineStart = text.LastIndexOf('\n') + 1;
                if ((lineStart > 0 || lineStarting) && text.AsSpan(lineStart).IndexOfAnyExcept(" \t") < 0)
                    text = text[..lineStart];
            }
            AddText(segments, text, position);

            int innerStart = open + 2 + (marker is '-' or '+' ? 1 : 0);
            string close = kind switch { '{' => "}}", '%' => "%}", _ => "#}" };
            int closeAt = FindClose(source, innerStart, close, kind);
            if (closeAt < 0)
                throw new TemplateException(SourcePosition.At(source, open), $"'{source.Substring(open, 2)}' is never closed with '{close}'");
            bool stripAfter = closeAt > innerStart && source[closeAt - 1] == '-';
            int innerEnd = stripAfter ? closeAt - 1 : closeAt;
            string inner = source[innerStart..innerEnd];
            if (kind == '{') segments.Add(new TemplateSegment(SegmentKind.Expression, inner, innerStart));
            else if (kind == '%') segments.Add(new TemplateSegment(SegmentKind.Statement, inner, innerStart));

            position = closeAt + 2;
            if (stripAfter)
            {
                while (position < source.Length && char.IsWhiteSpace(source[position])) position++;
            }
            else if (kind != '{' && position < source.Length && source[position] == '\n')
            {
                position++; // trim_blocks
            }
            lineStarting = position > 0 && source[position - 1] == '\n';
        }
        return segments;
    }

    private static void AddText(List<TemplateSegment> segments, string text, int offset)
    {
        if (text.Length > 0) segments.Add(new TemplateSegment(SegmentKind.Text, text, offset));
    }

    private static int FindTagStart(string source, int from)
    {
        for (int i = from; i + 1 < source.Length; i++)
        {
            if (source[i] == '{' && source[i + 1] is '{' or '%' or '#') return i;
        }
        return -1;
    }

    // Finds the closing delimiter, skipping string literals inside expressions and statements.
    private static int FindClose(string source, int from, string close, char kind)
    {
        char quote = '\0';
        for (int i = from; i + 1 < source.Length; i++)
        {
            char c = source[i];
            if (kind != '#' && quote != '\0')
            {
                if (c == '\\') i++;
                else if (c == quote) quote = '\0';
                continue;
            }
            if (kind != '#' && c is '\'' or '"')
            {
                quote = c;
                continue;
            }
            if (c == close[0] && source[i + 1] == close[1]) return i;
        }
        return -1;
    }
}
