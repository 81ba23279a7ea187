namespace R1Sharp.Text.Templates.Jinja;

/// <summary>Kinds of token inside a tag.</summary>
internal enum TokenKind
{
    Name,
    String,
    Integer,
    Float,
    Operator,
    End,
}

/// <summary>One token of an expression or statement, with its offset in the template source.</summary>
internal sealed record ExpressionToken(TokenKind Kind, string Text, int Offset)
{
    public bool Is(string op) => Kind == TokenKind.Operator && Text == op;

    public bool IsName(string name) => Kind == TokenKind.Name && Text == name;
}
