using System.Globalization;

namespace R1Sharp.Text.Templates.Jinja;

/// <summary>
/// Parses template segments into a syntax tree. Statements: if/elif/else, for (with loop filter and else), set
/// (incl. tuple targets, namespace attributes and block set), macro, break/continue, generation (transformers'
/// marker, rendered as its body). Anything else is refused with its position.
/// </summary>
internal sealed class TemplateParser
{
    private readonly string _source;
    private readonly List<TemplateSegment> _segments;
    private int _index;

    private TemplateParser(string source, List<TemplateSegment> segments)
    {
        _source = source;
        _segments = segments;
    }

    public static IReadOnlyList<Node> Parse(string source)
    {
        var segments = TemplateSplitter.Split(source, out string normalized);
        var parser = new TemplateParser(normalized, segments);
        var body = parser.ParseBlock([], out var end);
        if (end is not null)
            throw new TemplateException(parser.Position(end.Offset), $"unexpected '{{% {end.Keyword} %}}'");
        return body;
    }

    private sealed record BlockEnd(string Keyword, ExpressionReader Reader, int Offset);

    private SourcePosition Position(int offset) => SourcePosition.At(_source, offset);

    // Parses nodes until a statement whose keyword is in `terminators` (returned in `end`) or the end of the source.
    private List<Node> ParseBlock(string[] terminators, out BlockEnd? end)
    {
        var nodes = new List<Node>();
        while (_index < _segments.Count)
        {
            var segment = _segments[_index++];
            switch (segment.Kind)
            {
                case SegmentKind.Text:
                    nodes.Add(new TextNode(segment.Content, segment.Offset));
                    break;
                case SegmentKind.Expression:
                    var reader = Reader(segment);
                    var value = reader.ParseExpression();
                    reader.ExpectEnd();
                    nodes.Add(new OutputNode(value, segment.Offset));
                    break;
                default:
                    var statement = Reader(segment);
                    var keyword = statement.Next();
                    if (keyword.Kind != TokenKind.Name)
                        throw new TemplateException(Position(keyword.Offset), "expected a statement keyword");
                    if (terminators.Contains(keyword.Text))
                    {
                        end = new BlockEnd(keyword.Text, statement, keyword.Offset);
                        return nodes;
                    }
                    nodes.Add(ParseStatement(keyword, statement));
                    break;
            }
        }
        if (terminators.Length > 0)
            throw new TemplateException(Position(_source.Length), $"unexpected end of template: expected {string.Join(" or ", terminators.Select(t => $"'{{% {t} %}}'"))}");
        end = null;
        return nodes;
    }

    private ExpressionReader Reader(TemplateSegment segment) =>
        new(_source, ExpressionLexer.Tokenize(_source, segment.Content, segment.Offset));

    private Node ParseStatement(ExpressionToken keyword, ExpressionReader reader)
    {
        switch (keyword.Text)
        {
            case "if": return ParseIf(keyword, reader);
            case "for": return ParseFor(keyword, reader);
            case "set": return ParseSet(keyword, reader);
            case "macro": return ParseMacro(keyword, reader);
            case "break":
                reader.ExpectEnd();
                return new BreakNode(keyword.Offset);
            case "continue":
                reader.ExpectEnd();
                return new ContinueNode(keyword.Offset);
            case "generation":
                // transformers' AssistantTracker marks assistant text for masks; rendering is unaffected.
                reader.ExpectEnd();
                var body = ParseBlock(["endgeneration"], out var end);
                end!.Reader.ExpectEnd();
                return new IfNode([(new LiteralExpr(true, keyword.Offset), body)], null, keyword.Offset);
            default:
                throw new TemplateException(Position(keyword.Offset), $"unsupported statement '{{% {keyword.Text} %}}'");
        }
    }

    private IfNode ParseIf(ExpressionToken keyword, ExpressionReader reader)
    {
        var branches = new List<(Expr, IReadOnlyList<Node>)>();
        var condition = reader.ParseExpression();
        reader.ExpectEnd();
        while (true)
        {
            var body = ParseBlock(["elif", "else", "endif"], out var end);
            branches.Add((condition, body));
            switch (end!.Keyword)
            {
                case "elif":
                    condition = end.Reader.ParseExpression();
                    end.Reader.ExpectEnd();
                    continue;
                case "else":
                    end.Reader.ExpectEnd();
                    var elseBody = ParseBlock(["endif"], out var endIf);
                    endIf!.Reader.ExpectEnd();
                    return new IfNode(branches, elseBody, keyword.Offset);
                default:
                    end.Reader.ExpectEnd();
                    return new IfNode(branches, null, keyword.Offset);
            }
        }
    }

    private ForNode ParseFor(ExpressionToken keyword, ExpressionReader reader)
    {
        var targets = new List<string> { reader.ExpectName() };
        while (reader.Accept(",")) targets.Add(reader.ExpectName());
        reader.ExpectKeyword("in");
        var iterable = reader.ParseExpression(allowConditional: false);
        Expr? filter = null;
        if (reader.AcceptKeyword("if")) filter = reader.ParseExpression(allowConditional: false);
        if (reader.AcceptKeyword("recursive"))
            throw new TemplateException(Position(keyword.Offset), "unsupported construct: recursive for loops");
        reader.ExpectEnd();
        var body = ParseBlock(["else", "endfor"], out var end);
        IReadOnlyList<Node>? elseBody = null;
        end!.Reader.ExpectEnd();
        if (end.Keyword == "else")
        {
            elseBody = ParseBlock(["endfor"], out var endFor);
            endFor!.Reader.ExpectEnd();
        }
        return new ForNode(targets, iterable, filter, body, elseBody, keyword.Offset);
    }

    private Node ParseSet(ExpressionToken keyword, ExpressionReader reader)
    {
        string first = reader.ExpectName();
        if (reader.Accept("."))
        {
            string attribute = reader.ExpectName();
            reader.Expect("=");
            var value = reader.ParseExpression();
            reader.ExpectEnd();
            return new SetNode([attribute], new NameExpr(first, keyword.Offset), value, keyword.Offset);
        }
        var targets = new List<string> { first };
        while (reader.Accept(",")) targets.Add(reader.ExpectName());
        if (reader.AtEnd && targets.Count == 1)
        {
            var body = ParseBlock(["endset"], out var end);
            end!.Reader.ExpectEnd();
            return new SetBlockNode(first, body, keyword.Offset);
        }
        reader.Expect("=");
        var assigned = reader.ParseTuple();
        reader.ExpectEnd();
        return new SetNode(targets, null, assigned, keyword.Offset);
    }

    private MacroNode ParseMacro(ExpressionToken keyword, ExpressionReader reader)
    {
        string name = reader.ExpectName();
        reader.Expect("(");
        var parameters = new List<(string, Expr?)>();
        while (!reader.Accept(")"))
        {
            if (parameters.Count > 0) reader.Expect(",");
            string parameter = reader.ExpectName();
            Expr? fallback = reader.Accept("=") ? reader.ParseExpression() : null;
            parameters.Add((parameter, fallback));
        }
        reader.ExpectEnd();
        var body = ParseBlock(["endmacro"], out var end);
        end!.Reader.AcceptName();
        end.Reader.ExpectEnd();
        return new MacroNode(name, parameters, body, keyword.Offset);
    }

    internal static object ParseNumber(ExpressionToken token) =>
        token.Kind == TokenKind.Integer
            ? long.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out long l) ? (object)l : double.Parse(token.Text, CultureInfo.InvariantCulture)
            : (object)double.Parse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
