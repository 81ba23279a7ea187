using System.Numerics;
using R1Sharp.Verify.Numbers;

namespace R1Sharp.Verify.Parsing;

internal sealed partial class LatexParser
{
    /// <summary>Function commands and the name the evaluator knows them by.</summary>
    private static readonly Dictionary<string, string> Functions = new()
    {
        ["\\sin"] = "sin",
        ["\\cos"] = "cos",
        ["\\tan"] = "tan",
        ["\\sec"] = "sec",
        ["\\csc"] = "csc",
        ["\\cot"] = "cot",
        ["\\arcsin"] = "asin",
        ["\\arccos"] = "acos",
        ["\\arctan"] = "atan",
        ["\\sinh"] = "sinh",
        ["\\cosh"] = "cosh",
        ["\\tanh"] = "tanh",
        ["\\ln"] = "ln",
        ["\\log"] = "log",
        ["\\exp"] = "exp",
    };

    private static readonly HashSet<string> FunctionLetters = ["f", "g", "h"];

    private Node ParsePrimary()
    {
        Enter();
        var t = Peek();
        Node result = t.Kind switch
        {
            TokenKind.Number => ParseNumber(),
            TokenKind.Letter => ParseLetter(),
            TokenKind.Command => ParseCommand(),
            TokenKind.Symbol when t.Text is "(" or "[" => ParseBracketed(),
            TokenKind.Symbol when t.Text == "{" => ParseGroup(),
            TokenKind.Symbol when t.Text == "|" => ParseAbsolute(),
            _ => throw new ParseFailure(),
        };
        Leave();
        return result;
    }

    private Node ParseNumber()
    {
        var t = Next();
        if (t.Text.EndsWith('.'))
            return ParseRepeatingDecimal(t.Text);
        if (Peek().Is("_") && !Peek().SpaceBefore && t.Text.All(char.IsAsciiDigit))
        {
            Next();
            return ParseBaseNumber(t.Text, ParseScript(wholeNumber: true));
        }
        var number = NumberNodeOf(t.Text);
        // Mixed number (rule 10): an integer directly followed by \frac{int}{int}.
        if (Peek().Is("\\frac") && !Peek().SpaceBefore && !number.IsDecimal)
        {
            int saved = _position;
            Next();
            var numerator = ParseScript();
            var denominator = ParseScript();
            if (numerator is NumberNode { IsDecimal: false } n && denominator is NumberNode { IsDecimal: false } d && !d.Value.IsZero)
                return new NumberNode(number.Value + n.Value / d.Value, false, 0, number.SignificantDigits);
            _position = saved;
        }
        return number;
    }

    // "0.\overline{3}" = 1/3; "1.2\overline{34}" is written with the fixed digits before the dot-less part.
    private Node ParseRepeatingDecimal(string head)
    {
        Expect("\\overline");
        Expect("{");
        var digits = Next();
        if (digits.Kind != TokenKind.Number || !digits.Text.All(char.IsAsciiDigit)) throw new ParseFailure();
        Expect("}");
        if (!NumberLiteral.TryParse(head.TrimEnd('.'), out var whole, out _, out _)) throw new ParseFailure();
        var period = BigInteger.Parse(digits.Text, System.Globalization.CultureInfo.InvariantCulture);
        var nines = BigInteger.Pow(10, digits.Text.Length) - 1;
        return new NumberNode(whole + BigRational.Create(period, nines), false, 0, int.MaxValue);
    }

    private static NumberNode ParseBaseNumber(string digits, Node baseNode)
    {
        if (baseNode is not NumberNode { IsDecimal: false } b || b.Value.Numerator < 2 || b.Value.Numerator > 36) throw new ParseFailure();
        int radix = (int)b.Value.Numerator;
        BigInteger value = 0;
        foreach (char c in digits)
        {
            int digit = c - '0';
            if (digit >= radix) throw new ParseFailure();
            value = value * radix + digit;
        }
        return new NumberNode(new BigRational(value), false, 0, digits.Length);
    }

    private Node ParseLetter()
    {
        var t = Next();
        string name = t.Text;
        if (Peek().Is("_") && !Peek().SpaceBefore)
        {
            Next();
            name += "_" + ScriptName(ParseScript(wholeNumber: true));
        }
        if (FunctionLetters.Contains(name) && Peek().Is("(") && !Peek().SpaceBefore)
        {
            Next();
            var args = ParseList(")");
            Expect(")");
            return new CallNode(name, args is SetNode { Braced: false } list ? list.Items : [args]);
        }
        return new SymbolNode(name);
    }

    private static string ScriptName(Node script) => script switch
    {
        NumberNode n => n.Value.ToString(),
        SymbolNode s => s.Name,
        _ => Algebra.CanonicalForm.Of(script),
    };

    private Node ParseCommand()
    {
        var t = Next();
        switch (t.Text)
        {
            case "\\frac":
                {
                    var numerator = ParseScript();
                    var denominator = ParseScript();
                    return new ProductNode([numerator, new PowerNode(denominator, MinusOne)]);
                }
            case "\\sqrt":
                {
                    Node index = new NumberNode(new BigRational(2), false, 0, 1);
                    if (Accept("[")) { index = ParseSum(); Expect("]"); }
                    var radicand = ParseScript();
                    return new PowerNode(radicand, new PowerNode(index, MinusOne));
                }
            case "\\binom":
                return new CallNode("binom", [ParseScript(), ParseScript()]);
            case "\\pi": return new SymbolNode(SymbolNode.Pi);
            case "\\infty": return new SymbolNode(SymbolNode.Infinity);
            case "\\R": return new RealsNode();
            case "\\emptyset": return new SetNode([], Braced: true);
            case "\\lbrace":
                {
                    var items = ParseList("\\rbrace");
                    Expect("\\rbrace");
                    return new SetNode(items is SetNode { Braced: false } list ? list.Items : [items], Braced: true);
                }
            case "\\lfloor": { var x = ParseSum(); Expect("\\rfloor"); return new CallNode("floor", [x]); }
            case "\\lceil": { var x = ParseSum(); Expect("\\rceil"); return new CallNode("ceil", [x]); }
            case "\\begin": return ParseMatrix();
            default:
                if (Functions.TryGetValue(t.Text, out var function)) return ParseFunction(function);
                throw new ParseFailure();
        }
    }

    // \sin x, \sin(x), \sin^2 x, \log_2 8
    private Node ParseFunction(string name)
    {
        Node? power = null;
        Node? logBase = null;
        if (name == "log" && Accept("_")) logBase = ParseScript(wholeNumber: true);
        if (Accept("^")) power = ParseScript(wholeNumber: true);
        Node argument = Peek().Is("(") ? ParseBracketed() : ParsePower();
        Node call = logBase is null ? new CallNode(name, [argument]) : new CallNode("logb", [argument, logBase]);
        return power is null ? call : new PowerNode(call, power);
    }

    // (a), (a, b) tuple, (a, b] / [a, b) / [a, b] intervals, [a] grouping
    private Node ParseBracketed()
    {
        var open = Next();
        var content = ParseList(open.Text == "(" ? ")" : "]");
        var close = Next();
        if (!close.Is(")") && !close.Is("]")) throw new ParseFailure();
        var items = content is SetNode { Braced: false } list ? list.Items : [content];
        if (open.Text == "(" && close.Text == ")")
            return items.Count == 1 ? items[0] : new TupleNode(items);
        if (items.Count == 1 && open.Text == "[" && close.Text == "]") return items[0];
        if (items.Count != 2) throw new ParseFailure();
        return new IntervalNode(items[0], items[1], open.Text == "[", close.Text == "]");
    }

    private Node ParseGroup()
    {
        Expect("{");
        var content = ParseList("}");
        Expect("}");
        return content;
    }

    private Node ParseAbsolute()
    {
        Expect("|");
        var inner = ParseSum();
        Expect("|");
        return new CallNode("abs", [inner]);
    }
}
