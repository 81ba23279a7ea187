namespace R1Sharp.Verify.Parsing;

internal sealed partial class LatexParser
{
    private static readonly HashSet<string> MatrixEnvironments = ["pmatrix", "bmatrix", "Bmatrix", "matrix", "smallmatrix", "array"];

    // \begin{pmatrix} a & b \\ c & d \end{pmatrix}; array skips its column spec.
    private Node ParseMatrix()
    {
        string environment = ReadEnvironmentName();
        if (!MatrixEnvironments.Contains(environment)) throw new ParseFailure();
        if (environment == "array" && Accept("{"))
            while (!Accept("}")) if (Next().Kind == TokenKind.End) throw new ParseFailure();
        var rows = new List<IReadOnlyList<Node>>();
        var row = new List<Node>();
        while (true)
        {
            if (Accept("\\end"))
            {
                if (ReadEnvironmentName() != environment) throw new ParseFailure();
                if (row.Count > 0) rows.Add(row);
                break;
            }
            if (Accept("\\\\")) { if (row.Count > 0) rows.Add(row); row = []; continue; }
            if (Accept("&")) continue;
            if (Peek().Kind == TokenKind.End) throw new ParseFailure();
            row.Add(ParseSum());
        }
        if (rows.Count == 0 || rows.Any(r => r.Count != rows[0].Count)) throw new ParseFailure();
        return new MatrixNode(rows);
    }

    private string ReadEnvironmentName()
    {
        Expect("{");
        var name = new System.Text.StringBuilder();
        while (!Accept("}"))
        {
            var t = Next();
            if (t.Kind == TokenKind.End) throw new ParseFailure();
            if (t.Text != "*") name.Append(t.Text);
        }
        return name.ToString();
    }
}
