namespace R1Sharp.Verify.Parsing;

internal sealed partial class LatexParser
{
    private static readonly HashSet<string> RelationOperators = ["=", "<", ">", "≤", "≥", "≠", "\\in", "\\approx", "\\sim", "\\equiv"];

    // list := union ((',' | ';' | "or" | "and") union)*; a bare list is an unordered set (rule 7).
    private Node ParseList(string? closing)
    {
        Enter();
        var items = new List<Node>();
        if (closing is not null && Peek().Is(closing)) { Leave(); return new SetNode(items, Braced: false); }
        items.Add(ParseUnion());
        while (Accept(",") || Accept(";") || AcceptWord("or") || AcceptWord("and"))
        {
            if (Peek().Kind == TokenKind.End || (closing is not null && Peek().Is(closing))) break; // trailing comma
            items.Add(ParseUnion());
        }
        Leave();
        return items.Count == 1 ? items[0] : new SetNode(items, Braced: false);
    }

    private Node ParseUnion()
    {
        var parts = new List<Node> { ParseRelation() };
        while (Accept("\\cup")) parts.Add(ParseRelation());
        return parts.Count == 1 ? parts[0] : new UnionNode(parts);
    }

    private Node ParseRelation()
    {
        var sides = new List<Node> { ParseSum() };
        var operators = new List<string>();
        while (true)
        {
            var t = Peek();
            string? op = t.Kind is TokenKind.Symbol or TokenKind.Command && RelationOperators.Contains(t.Text) ? t.Text : null;
            if (op is null) break;
            Next();
            // "<=" / ">=" written as two symbols are normalised earlier; "==" reads as "=".
            if (op == "=" && Peek().Is("=")) Next();
            operators.Add(op);
            if (op == "\\in")
            {
                // "x \in A \cup B": the union belongs to the right-hand side.
                var parts = new List<Node> { ParseSum() };
                while (Accept("\\cup")) parts.Add(ParseSum());
                sides.Add(parts.Count == 1 ? parts[0] : new UnionNode(parts));
            }
            else
            {
                sides.Add(ParseSum());
            }
        }
        return operators.Count == 0 ? sides[0] : new RelationNode(sides, operators);
    }
}
