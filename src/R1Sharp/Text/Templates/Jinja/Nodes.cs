namespace R1Sharp.Text.Templates.Jinja;

// The syntax tree of a template. Every node keeps the source offset of its construct so that runtime errors can
// name line:column.

/// <summary>A statement-level node.</summary>
internal abstract record Node(int Offset);

internal sealed record TextNode(string Text, int Offset) : Node(Offset);

internal sealed record OutputNode(Expr Value, int Offset) : Node(Offset);

internal sealed record IfNode(IReadOnlyList<(Expr Condition, IReadOnlyList<Node> Body)> Branches, IReadOnlyList<Node>? Else, int Offset) : Node(Offset);

internal sealed record ForNode(IReadOnlyList<string> Targets, Expr Iterable, Expr? Filter, IReadOnlyList<Node> Body, IReadOnlyList<Node>? Else, int Offset) : Node(Offset);

/// <summary><c>set a = x</c>, <c>set a, b = x</c>, or <c>set ns.attr = x</c> (then <see cref="NamespaceTarget"/> is set).</summary>
internal sealed record SetNode(IReadOnlyList<string> Targets, Expr? NamespaceTarget, Expr Value, int Offset) : Node(Offset);

internal sealed record SetBlockNode(string Target, IReadOnlyList<Node> Body, int Offset) : Node(Offset);

internal sealed record MacroNode(string Name, IReadOnlyList<(string Name, Expr? Default)> Parameters, IReadOnlyList<Node> Body, int Offset) : Node(Offset);

internal sealed record BreakNode(int Offset) : Node(Offset);

internal sealed record ContinueNode(int Offset) : Node(Offset);

/// <summary>An expression.</summary>
internal abstract record Expr(int Offset);

internal sealed record LiteralExpr(object? Value, int Offset) : Expr(Offset);

internal sealed record NameExpr(string Name, int Offset) : Expr(Offset);

internal sealed record AttributeExpr(Expr Target, string Name, int Offset) : Expr(Offset);

internal sealed record ItemExpr(Expr Target, Expr Index, int Offset) : Expr(Offset);

internal sealed record SliceExpr(Expr Target, Expr? Start, Expr? Stop, Expr? Step, int Offset) : Expr(Offset);

internal sealed record CallExpr(Expr Callee, IReadOnlyList<Expr> Arguments, IReadOnlyList<(string Name, Expr Value)> Keywords, int Offset) : Expr(Offset);

internal sealed record FilterExpr(Expr Target, string Name, IReadOnlyList<Expr> Arguments, IReadOnlyList<(string Name, Expr Value)> Keywords, int Offset) : Expr(Offset);

internal sealed record TestExpr(Expr Target, string Name, bool Negated, IReadOnlyList<Expr> Arguments, int Offset) : Expr(Offset);

internal sealed record UnaryExpr(string Operator, Expr Operand, int Offset) : Expr(Offset);

internal sealed record BinaryExpr(string Operator, Expr Left, Expr Right, int Offset) : Expr(Offset);

internal sealed record ConditionalExpr(Expr Then, Expr Condition, Expr? Else, int Offset) : Expr(Offset);

internal sealed record ListExpr(IReadOnlyList<Expr> Items, int Offset) : Expr(Offset);

internal sealed record DictExpr(IReadOnlyList<(Expr Key, Expr Value)> Items, int Offset) : Expr(Offset);
