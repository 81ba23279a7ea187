using System.Numerics;

namespace R1Sharp.Tasks;

/// <summary>
/// Parses and evaluates model-written arithmetic (<c>+ - * /</c>, parentheses, unary minus, integer literals) exactly
/// with rationals. The text is untrusted: its length, nesting depth and literal size are bounded, and anything
/// else (letters, '^', '**', decimals) is rejected with the position.
/// </summary>
public static class ArithmeticExpression
{
    /// <summary>Longest expression accepted (characters).</summary>
    public const int MaxLength = 256;

    private const int MaxDepth = 32;
    private const int MaxDigits = 12;

    /// <summary>Evaluates <paramref name="text"/>.</summary>
    /// <exception cref="ExpressionException">Malformed, too long, or divides by zero.</exception>
    public static ExpressionValue Evaluate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength) throw new ExpressionException($"Expression longer than {MaxLength} characters.");
        var parser = new Parser(text);
        var value = parser.ParseSum(0);
        parser.SkipSpaces();
        if (!parser.AtEnd) throw new ExpressionException($"Unexpected '{text[parser.Position]}' at position {parser.Position}.");
        return new ExpressionValue(value, parser.Numbers);
    }

    /// <summary>Like <see cref="Evaluate"/> but returns null instead of throwing.</summary>
    public static ExpressionValue? TryEvaluate(string text)
    {
        try { return Evaluate(text); }
        catch (ExpressionException) { return null; }
    }

    private sealed class Parser(string text)
    {
        public int Position;
        public readonly List<long> Numbers = [];
        public bool AtEnd => Position >= text.Length;

        public void SkipSpaces() { while (!AtEnd && char.IsWhiteSpace(text[Position])) Position++; }

        private char? Peek() { SkipSpaces(); return AtEnd ? null : text[Position]; }

        public ExactRational ParseSum(int depth)
        {
            var value = ParseProduct(depth);
            while (Peek() is '+' or '-')
            {
                char op = text[Position++];
                var right = ParseProduct(depth);
                value = op == '+' ? value + right : value - right;
            }
            return value;
        }

        private ExactRational ParseProduct(int depth)
        {
            var value = ParseUnary(depth);
            while (Peek() is '*' or '/' or '×' or '÷')
            {
                char op = text[Position++];
                if (op == '*' && !AtEnd && text[Position] == '*') throw new ExpressionException($"Power '**' at position {Position - 1} is not allowed.");
                var right = ParseUnary(depth);
                if (op is '/' or '÷')
                {
                    if (right.Numerator.IsZero) throw new ExpressionException($"Division by zero at position {Position}.");
                    value /= right;
                }
                else value *= right;
            }
            return value;
        }

        private ExactRational ParseUnary(int depth)
        {
            if (Peek() == '-') { Position++; return -ParseUnary(depth); }
            return ParseAtom(depth);
        }

        private ExactRational ParseAtom(int depth)
        {
            if (depth > MaxDepth) throw new ExpressionException($"Parentheses nested deeper than {MaxDepth}.");
            char? c = Peek();
            if (c is null) throw new ExpressionException("Expression ends where a number was expected.");
            if (c == '(')
            {
                Position++;
                var inner = ParseSum(depth + 1);
                if (Peek() != ')') throw new ExpressionException($"Missing ')' at position {Position}.");
                Position++;
                return inner;
            }
            if (!char.IsAsciiDigit(c.Value)) throw new ExpressionException($"Unexpected '{c}' at position {Position}.");
            int start = Position;
            while (!AtEnd && char.IsAsciiDigit(text[Position])) Position++;
            if (Position - start > MaxDigits) throw new ExpressionException($"Number at position {start} has more than {MaxDigits} digits.");
            if (!AtEnd && text[Position] == '.') throw new ExpressionException($"Decimal number at position {start} is not allowed.");
            long number = long.Parse(text.AsSpan(start, Position - start), System.Globalization.CultureInfo.InvariantCulture);
            Numbers.Add(number);
            return ExactRational.FromInteger(new BigInteger(number));
        }
    }
}
