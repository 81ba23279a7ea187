namespace R1Sharp.Verify.Parsing;

/// <summary>Splits normalised LaTeX into tokens. Function names written without a backslash (sin, log) become commands.</summary>
internal static class Lexer
{
    private static readonly string[] BareFunctions = ["arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "sin", "cos", "tan", "sec", "csc", "cot", "log", "ln", "exp", "sqrt"];

    /// <summary>Tokens of <paramref name="text"/>, or null when it holds a character no answer can contain.</summary>
    public static List<Token>? Tokenize(string text)
    {
        var tokens = new List<Token>(text.Length / 2 + 4);
        int i = 0;
        bool space = false;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c)) { space = true; i++; continue; }
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                int start = i;
                while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                if (i < text.Length - 1 && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
                {
                    i++;
                    while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                }
                // "0.\overline{3}": keep the dot so the parser sees a repeating decimal.
                if (i < text.Length && text[i] == '.' && string.CompareOrdinal(text, i + 1, "\\overline", 0, 9) == 0) i++;
                i = ScanExponent(text, i);
                tokens.Add(new Token(TokenKind.Number, text[start..i], space));
            }
            else if (char.IsAsciiLetter(c))
            {
                string? function = BareFunctions.FirstOrDefault(f => string.CompareOrdinal(text, i, f, 0, f.Length) == 0
                    && (i + f.Length >= text.Length || !char.IsAsciiLetter(text[i + f.Length])));
                if (function is not null && (i == 0 || !char.IsAsciiLetter(text[i - 1])))
                {
                    tokens.Add(new Token(TokenKind.Command, "\\" + function, space));
                    i += function.Length;
                }
                else
                {
                    tokens.Add(new Token(TokenKind.Letter, c.ToString(), space));
                    i++;
                }
            }
            else if (c == '\\')
            {
                int start = i++;
                if (i < text.Length && char.IsAsciiLetter(text[i]))
                    while (i < text.Length && char.IsAsciiLetter(text[i])) i++;
                else if (i < text.Length) i++;
                tokens.Add(new Token(TokenKind.Command, text[start..i], space));
            }
            else if ("+-*/^_()[]{},;=<>≤≥≠!|&:%'".IndexOf(c) >= 0)
            {
                tokens.Add(new Token(TokenKind.Symbol, c.ToString(), space));
                i++;
            }
            else
            {
                return null;
            }
            space = false;
        }
        tokens.Add(new Token(TokenKind.End, "", space));
        return tokens;
    }

    // "1.5e-3": an exponent only when digits follow and no letter continues the word.
    private static int ScanExponent(string text, int i)
    {
        if (i >= text.Length || (text[i] != 'e' && text[i] != 'E')) return i;
        int j = i + 1;
        if (j < text.Length && (text[j] == '+' || text[j] == '-')) j++;
        int digitsStart = j;
        while (j < text.Length && char.IsAsciiDigit(text[j])) j++;
        if (j == digitsStart || (j < text.Length && char.IsAsciiLetter(text[j]))) return i;
        return j;
    }
}
