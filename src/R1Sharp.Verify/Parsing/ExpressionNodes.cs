using R1Sharp.Verify.Numbers;

namespace R1Sharp.Verify.Parsing;

/// <summary>A node of a parsed answer: arithmetic expressions and the answer-level structures built on them.</summary>
internal abstract record Node;

/// <summary>A number as written. <see cref="Decimals"/> &gt; 0 or <see cref="IsDecimal"/> marks a decimal literal (policy rule 3).</summary>
internal sealed record NumberNode(BigRational Value, bool IsDecimal, int Decimals, int SignificantDigits) : Node;

/// <summary>A variable or constant: <c>x</c>, <c>a_3</c>, <c>\pi</c>, <c>e</c>, <c>i</c>, <c>\infty</c>.</summary>
internal sealed record SymbolNode(string Name) : Node
{
    public const string Pi = "\\pi";
    public const string Infinity = "\\infty";
    public bool IsConstant => Name is Pi or "e" or "i" or Infinity;
}

/// <summary>A sum of terms.</summary>
internal sealed record SumNode(IReadOnlyList<Node> Terms) : Node;

/// <summary>A product of factors (division is a factor with exponent -1).</summary>
internal sealed record ProductNode(IReadOnlyList<Node> Factors) : Node;

/// <summary>Negation.</summary>
internal sealed record NegateNode(Node Operand) : Node;

/// <summary>Base raised to an exponent (roots are rational exponents).</summary>
internal sealed record PowerNode(Node Base, Node Exponent) : Node;

/// <summary>A named function applied to arguments: <c>\sin</c>, <c>\log</c>, <c>\binom</c>, or an unknown <c>f(x)</c>.</summary>
internal sealed record CallNode(string Name, IReadOnlyList<Node> Arguments) : Node;

/// <summary>n!</summary>
internal sealed record FactorialNode(Node Operand) : Node;

/// <summary>A value followed by <c>\%</c>.</summary>
internal sealed record PercentNode(Node Operand) : Node;

/// <summary><c>a \pm b</c>: the two values a+b and a-b (policy rule 7).</summary>
internal sealed record PlusMinusNode(Node Left, Node Right) : Node;
