using System.Globalization;
using System.Text;

namespace R1Sharp.Text.Templates.Jinja;

/// <summary>Turns the inside of a tag into tokens (names, literals, operators).</summary>
internal static class ExpressionLexer
{
    private static readonly string[] Operators =
    [
        "**", "//", "==", "!=", "<=", ">=",
        "+", "-", "*", "/", "%", "~", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|",
    ];

    public static List<ExpressionToken> Tokenize(string source, string content, int baseOffset)
    {
        var tokens = new List<ExpressionToken>();
        int i = 0;
        while (i < content.Length)
        {
            char c = content[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            int start = i;
            if (char.IsLetter(c) || c == '_')
            {
                while (i < content.Length && (char.IsLetterOrDigit(content[i]) || content[i] == '_')) i++;
                tokens.Add(new ExpressionToken(TokenKind.Name, content[start..i], baseOffset + start));
            }
            else if (char.IsAsciiDigit(c))
            {
                while (i < content.Length && (char.IsAsciiDigit(content[i]) || content[i] == '_')) i++;
                bool isFloat = false;
                if (i + 1 < content.Length && content[i] == '.' && char.IsAsciiDigit(content[i + 1]))
                {
                    isFloat = true;
                    i++;
                    while (i < content.Length && char.IsAsciiDigit(content[i])) i++;
                }
                if (i < content.Length && content[i] is 'e' or 'E')
                {
                    int save = i++;
                    if (i < content.Length && content[i] is '+' or '-') i++;
                    if (i < content.Length && char.IsAsciiDigit(content[i]))
                    {
                        isFloat = true;
                        while (i < content.Length && char.IsAsciiDigit(content[i])) i++;
                    }
                    else
                    {
                        i = save;
                    }
                }
                tokens.Add(new ExpressionToken(isFloat ? TokenKind.Float : TokenKind.Integer, content[start..i].Replace("_", ""), baseOffset + start));
            }
            else if (c is '\'' or '"')
            {
                tokens.Add(new ExpressionToken(TokenKind.String, ReadString(source, content, ref i, baseOffset), baseOffset + start));
            }
            else
            {
                string? op = Operators.FirstOrDefault(o => string.CompareOrdinal(content, i, o, 0, o.Length) == 0);
                if (op is null)
                    throw new TemplateException(SourcePosition.At(source, baseOffset + i), $"unexpected character '{c}'");
                tokens.Add(new ExpressionToken(TokenKind.Operator, op, baseOffset + start));
                i += op.Length;
            }
        }
        tokens.Add(new ExpressionToken(TokenKind.End, "", baseOffset + content.Length));
        return tokens;
    }

    // Jinja string literals use Python's unicode-escape rules; unknown escapes keep their backslash.
    private static string ReadString(string source, string content, ref int i, int baseOffset)
    {
        char quote = content[i];
        int start = i++;
        var builder = new StringBuilder();
        while (i < content.Length && content[i] != quote)
        {
            char c = content[i++];
            if (c != '\\' || i >= content.Length)
            {
                builder.Append(c);
                continue;
            }
            char e = content[i++];
            switch (e)
            {
                case 'n': builder.Append('\n'); break;
                case 't': builder.Append('\t'); break;
                case 'r': builder.Append('\r'); break;
                case 'a': builder.Append('\a'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'v': builder.Append('\v'); break;
                case '\\': builder.Append('\\'); break;
                case '\'': builder.Append('\''); break;
                case '"': builder.Append('"'); break;
                case '\n': break;
                case 'x': builder.Append(Hex(source, content, ref i, 2, baseOffset)); break;
                case 'u': builder.Append(Hex(source, content, ref i, 4, baseOffset)); break;
                case 'U': builder.Append(Hex(source, content, ref i, 8, baseOffset)); break;
                case >= '0' and <= '7':
                    int value = e - '0', digits = 1;
                    while (digits < 3 && i < content.Length && content[i] is >= '0' and <= '7')
                    {
                        value = value * 8 + (content[i++] - '0');
                        digits++;
                    }
                    builder.Append((char)value);
                    break;
                default: builder.Append('\\').Append(e); break;
            }
        }
        if (i >= content.Length)
            throw new TemplateException(SourcePosition.At(source, baseOffset + start), "string literal is never closed");
        i++;
        return builder.ToString();
    }

    private static string Hex(string source, string content, ref int i, int length, int baseOffset)
    {
        {
            int at = i;
            if (i + length > content.Length || !int.TryParse(content.AsSpan(i, length), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code))
                throw new TemplateException(SourcePosition.At(source, baseOffset + at), $"bad \\{content[at - 1]} escape in string literal");
            i += length;
            return char.ConvertFromUtf32(code);
        }
    }
}
