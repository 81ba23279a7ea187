using R1Sharp.Verify.Algebra;

namespace R1Sharp.Verify.Parsing;

/// <summary>
/// Recursive-descent parser from normalised LaTeX to a <see cref="Node"/> tree. Answer-level structure (lists,
/// unions, relations) lives in LatexParser.Answer.cs, arithmetic in LatexParser.Arithmetic.cs, atoms and
/// commands in LatexParser.Primary.cs. Any unexpected token makes the whole parse fail (null): an answer
/// that cannot be read is never guessed at.
/// </summary>
internal sealed partial class LatexParser
{
    private const int MaxDepth = 120;
    private readonly List<Token> _tokens;
    private readonly CheckBudget _budget;
    private int _position;
    private int _depth;

    private LatexParser(List<Token> tokens, CheckBudget budget)
    {
        _tokens = tokens;
        _budget = budget;
    }

    /// <summary>The tree of a normalised answer, or null when it is not a well-formed answer.</summary>
    public static Node? Parse(string normalized, CheckBudget budget)
    {
        var tokens = Lexer.Tokenize(normalized);
        if (tokens is null || tokens.Count <= 1) return null;
        var parser = new LatexParser(tokens, budget);
        try
        {
            var node = parser.ParseList(closing: null);
            return parser.Peek().Kind == TokenKind.End ? node : null;
        }
        catch (ParseFailure)
        {
            return null;
        }
    }

    private Token Peek(int ahead = 0) => _tokens[Math.Min(_position + ahead, _tokens.Count - 1)];

    private Token Next()
    {
        var token = Peek();
        if (_position < _tokens.Count - 1) _position++;
        return token;
    }

    private bool Accept(string symbol)
    {
        if (!Peek().Is(symbol)) return false;
        _position++;
        return true;
    }

    private void Expect(string symbol)
    {
        if (!Accept(symbol)) throw new ParseFailure();
    }

    /// <summary>True (and consumed) when the next letters spell <paramref name="word"/> as a whole word.</summary>
    private bool AcceptWord(string word)
    {
        for (int k = 0; k < word.Length; k++)
        {
            var t = Peek(k);
            if (t.Kind != TokenKind.Letter || !string.Equals(t.Text, word[k].ToString(), StringComparison.OrdinalIgnoreCase)) return false;
            if (k > 0 && t.SpaceBefore) return false;
        }
        var after = Peek(word.Length);
        if (after.Kind == TokenKind.Letter && !after.SpaceBefore) return false;
        _position += word.Length;
        return true;
    }

    private void Enter()
    {
        if (++_depth > MaxDepth || _budget.Exhausted) throw new ParseFailure();
    }

    private void Leave() => _depth--;

    /// <summary>Thrown inside the parser to abandon a malformed answer; never escapes <see cref="Parse"/>.</summary>
    private sealed class ParseFailure : Exception;
}
