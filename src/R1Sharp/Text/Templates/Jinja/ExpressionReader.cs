namespace R1Sharp.Text.Templates.Jinja;

/// <summary>
/// Recursive-descent parser for Jinja expressions, with Jinja's precedence: conditional, or, and, not, comparisons
/// (incl. in / not in), + -, ~, * / // %, **, unary - +, then postfix (attribute, item, slice, call) and filters / tests.
/// </summary>
internal sealed class ExpressionReader
{
    private static readonly string[] Comparisons = ["==", "!=", "<", "<=", ">", ">="];
    private readonly string _source;
    private readonly List<ExpressionToken> _tokens;
    private int _position;

    public ExpressionReader(string source, List<ExpressionToken> tokens)
    {
        _source = source;
        _tokens = tokens;
    }

    public bool AtEnd => Peek.Kind == TokenKind.End;

    private ExpressionToken Peek => _tokens[_position];

    public ExpressionToken Next() => _tokens[_position < _tokens.Count - 1 ? _position++ : _position];

    public bool Accept(string op)
    {
        if (!Peek.Is(op)) return false;
        _position++;
        return true;
    }

    public bool AcceptKeyword(string name)
    {
        if (!Peek.IsName(name)) return false;
        _position++;
        return true;
    }

    public string? AcceptName() => Peek.Kind == TokenKind.Name ? Next().Text : null;

    public void Expect(string op)
    {
        if (!Accept(op)) throw Error(Peek, $"expected '{op}', found {Describe(Peek)}");
    }

    public void ExpectKeyword(string name)
    {
        if (!AcceptKeyword(name)) throw Error(Peek, $"expected '{name}', found {Describe(Peek)}");
    }

    public string ExpectName()
    {
        if (Peek.Kind != TokenKind.Name) throw Error(Peek, $"expected a name, found {Describe(Peek)}");
        return Next().Text;
    }

    public void ExpectEnd()
    {
        if (!AtEnd) throw Error(Peek, $"unexpected {Describe(Peek)}");
    }

    /// <summary>An expression, or several separated by commas (a tuple, as on the right of <c>set a, b = ...</c>).</summary>
    public Expr ParseTuple()
    {
        var first = ParseExpression();
        if (!Peek.Is(",")) return first;
        var items = new List<Expr> { first };
        while (Accept(",")) items.Add(ParseExpression());
        return new ListExpr(items, first.Offset);
    }

    public Expr ParseExpression(bool allowConditional = true)
    {
        var value = ParseOr();
        if (allowConditional && Peek.IsName("if"))
        {
            int offset = Next().Offset;
            var condition = ParseOr();
            Expr? otherwise = AcceptKeyword("else") ? ParseExpression() : null;
            return new ConditionalExpr(value, condition, otherwise, offset);
        }
        return value;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (Peek.IsName("or"))
        {
            int offset = Next().Offset;
            left = new BinaryExpr("or", left, ParseAnd(), offset);
        }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (Peek.IsName("and"))
        {
            int offset = Next().Offset;
            left = new BinaryExpr("and", left, ParseNot(), offset);
        }
        return left;
    }

    private Expr ParseNot()
    {
        if (Peek.IsName("not"))
        {
            int offset = Next().Offset;
            return new UnaryExpr("not", ParseNot(), offset);
        }
        return ParseComparison();
    }

    private Expr ParseComparison()
    {
        var left = ParseAdditive();
        while (true)
        {
            var token = Peek;
            if (token.Kind == TokenKind.Operator && Comparisons.Contains(token.Text))
            {
                Next();
                left = new BinaryExpr(token.Text, left, ParseAdditive(), token.Offset);
            }
            else if (token.IsName("in"))
            {
                Next();
                left = new BinaryExpr("in", left, ParseAdditive(), token.Offset);
            }
            else if (token.IsName("not") && _tokens[_position + 1].IsName("in"))
            {
                Next();
                Next();
                left = new BinaryExpr("not in", left, ParseAdditive(), token.Offset);
            }
            else
            {
                return left;
            }
        }
    }

    private Expr ParseAdditive()
    {
        var left = ParseConcat();
        while (Peek.Is("+") || Peek.Is("-"))
        {
            var op = Next();
            left = new BinaryExpr(op.Text, left, ParseConcat(), op.Offset);
        }
        return left;
    }

    private Expr ParseConcat()
    {
        var left = ParseMultiplicative();
        while (Peek.Is("~"))
        {
            var op = Next();
            left = new BinaryExpr("~", left, ParseMultiplicative(), op.Offset);
        }
        return left;
    }

    private Expr ParseMultiplicative()
    {
        var left = ParsePower();
        while (Peek.Is("*") || Peek.Is("/") || Peek.Is("//") || Peek.Is("%"))
        {
            var op = Next();
            left = new BinaryExpr(op.Text, left, ParsePower(), op.Offset);
        }
        return left;
    }

    private Expr ParsePower()
    {
        var left = ParseUnary();
        while (Peek.Is("**"))
        {
            var op = Next();
            left = new BinaryExpr("**", left, ParseUnary(), op.Offset);
        }
        return left;
    }

    private Expr ParseUnary()
    {
        if (Peek.Is("-") || Peek.Is("+"))
        {
            var op = Next();
            return ParseFilters(new UnaryExpr(op.Text, ParseUnary(), op.Offset));
        }
        return ParseFilters(ParsePostfix(ParsePrimary()));
    }

    private Expr ParsePrimary()
    {
        var token = Next();
        switch (token.Kind)
        {
            case TokenKind.String:
                string text = token.Text;
                while (Peek.Kind == TokenKind.String) text += Next().Text; // adjacent literals concatenate
                return new LiteralExpr(text, token.Offset);
            case TokenKind.Integer:
            case TokenKind.Float:
                return new LiteralExpr(TemplateParser.ParseNumber(token), token.Offset);
            case TokenKind.Name:
                return token.Text switch
                {
                    "true" or "True" => new LiteralExpr(true, token.Offset),
                    "false" or "False" => new LiteralExpr(false, token.Offset),
                    "none" or "None" => new LiteralExpr(null, token.Offset),
                    _ => new NameExpr(token.Text, token.Offset),
                };
        }
        if (token.Is("("))
        {
            if (Accept(")")) return new ListExpr([], token.Offset);
            var inner = ParseExpression();
            if (Peek.Is(","))
            {
                var items = new List<Expr> { inner };
                while (Accept(",") && !Peek.Is(")")) items.Add(ParseExpression());
                Expect(")");
                return new ListExpr(items, token.Offset);
            }
            Expect(")");
            return inner;
        }
        if (token.Is("["))
        {
            var items = new List<Expr>();
            while (!Accept("]"))
            {
                if (items.Count > 0)
                {
                    Expect(",");
                    if (Accept("]")) break;
                }
                items.Add(ParseExpression());
            }
            return new ListExpr(items, token.Offset);
        }
        if (token.Is("{"))
        {
            var items = new List<(Expr, Expr)>();
            while (!Accept("}"))
            {
                if (items.Count > 0)
                {
                    Expect(",");
                    if (Accept("}")) break;
                }
                var key = ParseExpression();
                Expect(":");
                items.Add((key, ParseExpression()));
            }
            return new DictExpr(items, token.Offset);
        }
        throw Error(token, $"unexpected {Describe(token)}");
    }

    private Expr ParsePostfix(Expr target)
    {
        while (true)
        {
            var token = Peek;
            if (token.Is("."))
            {
                Next();
                var name = Next();
                if (name.Kind is not (TokenKind.Name or TokenKind.Integer))
                    throw Error(name, $"expected an attribute name, found {Describe(name)}");
                target = name.Kind == TokenKind.Integer
                    ? new ItemExpr(target, new LiteralExpr(TemplateParser.ParseNumber(name), name.Offset), token.Offset)
                    : new AttributeExpr(target, name.Text, token.Offset);
            }
            else if (token.Is("["))
            {
                Next();
                target = ParseSubscript(target, token.Offset);
            }
            else if (token.Is("("))
            {
                Next();
                var (arguments, keywords) = ParseArguments();
                target = new CallExpr(target, arguments, keywords, target.Offset);
            }
            else
            {
                return target;
            }
        }
    }

    private Expr ParseSubscript(Expr target, int offset)
    {
        Expr? start = null, stop = null, step = null;
        if (!Peek.Is(":")) start = ParseExpression();
        if (Accept("]"))
            return new ItemExpr(target, start ?? throw Error(Peek, "empty subscript"), offset);
        Expect(":");
        if (!Peek.Is(":") && !Peek.Is("]")) stop = ParseExpression();
        if (Accept(":") && !Peek.Is("]")) step = ParseExpression();
        Expect("]");
        return new SliceExpr(target, start, stop, step, offset);
    }

    // After "(": positional and keyword arguments up to ")".
    private (List<Expr>, List<(string, Expr)>) ParseArguments()
    {
        var arguments = new List<Expr>();
        var keywords = new List<(string, Expr)>();
        while (!Accept(")"))
        {
            if (arguments.Count + keywords.Count > 0)
            {
                Expect(",");
                if (Accept(")")) break;
            }
            if (Peek.Kind == TokenKind.Name && _tokens[_position + 1].Is("="))
            {
                string name = Next().Text;
                Next();
                keywords.Add((name, ParseExpression()));
            }
            else
            {
                if (keywords.Count > 0) throw Error(Peek, "positional argument after keyword argument");
                arguments.Add(ParseExpression());
            }
        }
        return (arguments, keywords);
    }

    private Expr ParseFilters(Expr target)
    {
        while (true)
        {
            if (Peek.Is("|"))
            {
                var bar = Next();
                string name = ExpectName();
                var (arguments, keywords) = Accept("(") ? ParseArguments() : ([], []);
                target = new FilterExpr(target, name, arguments, keywords, bar.Offset);
            }
            else if (Peek.IsName("is"))
            {
                var keyword = Next();
                bool negated = AcceptKeyword("not");
                var nameToken = Next();
                string name = nameToken.Kind == TokenKind.Name ? nameToken.Text
                    : nameToken.Kind == TokenKind.Operator && nameToken.Text is "==" or "!=" or "<" or ">" or "<=" or ">=" ? nameToken.Text
                    : throw Error(nameToken, $"expected a test name, found {Describe(nameToken)}");
                name = name switch { "none" => "none", "true" => "true", "false" => "false", _ => name };
                var arguments = new List<Expr>();
                if (Accept("("))
                {
                    var (args, _) = ParseArguments();
                    arguments.AddRange(args);
                }
                else if (Peek.Kind is TokenKind.String or TokenKind.Integer or TokenKind.Float
                    || (Peek.Kind == TokenKind.Name && Peek.Text is not ("and" or "or" or "else" or "if" or "in" or "not" or "is")))
                {
                    arguments.Add(ParsePostfix(ParsePrimary()));
                }
                target = new TestExpr(target, name, negated, arguments, keyword.Offset);
            }
            else
            {
                return target;
            }
        }
    }

    private TemplateException Error(ExpressionToken token, string problem) => new(SourcePosition.At(_source, token.Offset), problem);

    private static string Describe(ExpressionToken token) => token.Kind switch
    {
        TokenKind.End => "end of tag",
        TokenKind.String => $"string '{token.Text}'",
        _ => $"'{token.Text}'",
    };
}
