using R1Sharp.Verify.Numbers;

namespace R1Sharp.Verify.Parsing;

internal sealed partial class LatexParser
{
    private static readonly NumberNode MinusOne = new(new BigRational(-1), false, 0, 1);

    // sum := term (('+' | '-' | '\pm' | '\mp') term)*
    private Node ParseSum()
    {
        Enter();
        Node result = ParseTerm();
        var terms = new List<Node> { result };
        while (true)
        {
            if (Accept("+")) terms.Add(ParseTerm());
            else if (Accept("-")) terms.Add(new NegateNode(ParseTerm()));
            else if (Accept("\\pm") || Accept("\\mp"))
            {
                var left = terms.Count == 1 ? terms[0] : new SumNode(terms.ToArray());
                terms = [new PlusMinusNode(left, ParseTerm())];
            }
            else break;
        }
        Leave();
        return terms.Count == 1 ? terms[0] : new SumNode(terms);
    }

    // term := unary (('*' | '/' | ':' | implicit) unary)*
    private Node ParseTerm()
    {
        var factors = new List<Node> { ParseUnary() };
        while (true)
        {
            if (Accept("*")) factors.Add(ParseUnary());
            else if (Accept("/") || Accept(":")) factors.Add(new PowerNode(ParseUnary(), MinusOne));
            else if (StartsImplicitFactor()) factors.Add(ParsePower());
            else break;
        }
        return factors.Count == 1 ? factors[0] : new ProductNode(factors);
    }

    private bool StartsImplicitFactor()
    {
        var t = Peek();
        switch (t.Kind)
        {
            case TokenKind.Number:
                return true;
            case TokenKind.Letter:
                // "5 or 6", "1 and 2" are list separators, not products.
                return !IsWordAhead("or") && !IsWordAhead("and");
            case TokenKind.Command:
                return t.Text is "\\frac" or "\\sqrt" or "\\pi" or "\\binom" or "\\infty" or "\\lfloor" or "\\lceil" or "\\begin" or "\\overline"
                    || Functions.ContainsKey(t.Text);
            case TokenKind.Symbol:
                return t.Text is "(" or "{";
            default:
                return false;
        }
    }

    private bool IsWordAhead(string word)
    {
        int saved = _position;
        bool found = AcceptWord(word);
        _position = saved;
        return found;
    }

    // unary := ('-' | '+' | '\pm') unary | power
    private Node ParseUnary()
    {
        Enter();
        Node result;
        if (Accept("-")) result = new NegateNode(ParseUnary());
        else if (Accept("+")) result = ParseUnary();
        else if (Accept("\\pm") || Accept("\\mp")) result = new PlusMinusNode(new NumberNode(BigRational.Zero, false, 0, 1), ParseUnary());
        else result = ParsePower();
        Leave();
        return result;
    }

    // power := primary ('^' script)? postfix*, postfix := '!' | '%'
    private Node ParsePower()
    {
        Enter();
        Node result = ParsePrimary();
        while (true)
        {
            if (Accept("^")) result = new PowerNode(result, ParseScript(wholeNumber: true));
            else if (Accept("!")) result = new FactorialNode(result);
            else if (Accept("%")) result = new PercentNode(result);
            else if (Accept("'")) throw new ParseFailure(); // derivatives are not values
            else break;
        }
        Leave();
        return result;
    }

    /// <summary>
    /// The argument of ^, _, \frac, \sqrt: a braced group or a single token. LaTeX reads one digit ("\frac12" is
    /// 1/2), which <c>\frac</c> and <c>\sqrt</c> follow; for ^ and _ (<paramref name="wholeNumber"/>) the whole
    /// number is taken, because "2^10" and "a_12" always mean 2^{10} and a_{12} in answers, never 2^1·0.
    /// </summary>
    private Node ParseScript(bool wholeNumber = false)
    {
        Enter();
        Node result;
        var t = Peek();
        if (Accept("{")) { result = ParseList("}"); Expect("}"); }
        else if (!wholeNumber && t.Kind == TokenKind.Number && t.Text.All(char.IsAsciiDigit) && t.Text.Length > 1)
        {
            // "\frac12", "x^23" (LaTeX reads one digit): split the number.
            _tokens[_position] = t with { Text = t.Text[1..], SpaceBefore = false };
            result = NumberNodeOf(t.Text[..1]);
        }
        else if (t.Kind is TokenKind.Number or TokenKind.Letter) { Next(); result = t.Kind == TokenKind.Number ? NumberNodeOf(t.Text) : new SymbolNode(t.Text); }
        else if (Accept("-")) result = new NegateNode(ParseScript(wholeNumber));
        else if (t.Kind == TokenKind.Command || t.Is("(")) result = ParsePrimary();
        else throw new ParseFailure();
        Leave();
        return result;
    }

    private static NumberNode NumberNodeOf(string text)
    {
        if (!NumberLiteral.TryParse(text, out var value, out int decimals, out int significant)) throw new ParseFailure();
        return new NumberNode(value, text.Contains('.') || text.Contains('e') || text.Contains('E'), decimals, significant);
    }
}
