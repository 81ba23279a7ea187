namespace R1Sharp.Verify.Parsing;

/// <summary>Kinds of lexical token.</summary>
internal enum TokenKind { Number, Letter, Command, Symbol, End }

/// <summary>One token; <see cref="SpaceBefore"/> tells "2\frac12" (mixed number) from "2 \frac12".</summary>
internal readonly record struct Token(TokenKind Kind, string Text, bool SpaceBefore)
{
    public bool Is(string symbol) => (Kind is TokenKind.Symbol or TokenKind.Command) && Text == symbol;
}
