namespace R1Sharp.Verify.Parsing;

/// <summary>An unordered collection: <c>\{…\}</c>, a bare comma list, "a or b" (policy rule 7).</summary>
internal sealed record SetNode(IReadOnlyList<Node> Items, bool Braced) : Node;

/// <summary>An ordered tuple or point in parentheses.</summary>
internal sealed record TupleNode(IReadOnlyList<Node> Items) : Node;

/// <summary>An interval with open or closed ends (rule 8). Infinite ends are <see cref="SymbolNode.Infinity"/> symbols.</summary>
internal sealed record IntervalNode(Node Low, Node High, bool LowClosed, bool HighClosed) : Node;

/// <summary>A union of intervals or sets (<c>\cup</c>).</summary>
internal sealed record UnionNode(IReadOnlyList<Node> Parts) : Node;

/// <summary>A chain of relations: <c>a = b = c</c>, <c>-2 \le x \le 7</c>, <c>x \in I</c>. Operators: = &lt; &gt; ≤ ≥ ≠ ∈ ≈.</summary>
internal sealed record RelationNode(IReadOnlyList<Node> Sides, IReadOnlyList<string> Operators) : Node;

/// <summary>A matrix or vector (pmatrix, bmatrix, array…), row-major.</summary>
internal sealed record MatrixNode(IReadOnlyList<IReadOnlyList<Node>> Rows) : Node;

/// <summary>The real line <c>\mathbb{R}</c>.</summary>
internal sealed record RealsNode : Node;
