namespace R1Sharp.Tasks;

/// <summary>An evaluated arithmetic expression: its exact value and the number literals it used, in order.</summary>
/// <param name="Value">Exact value.</param>
/// <param name="Numbers">Every integer literal written in the expression, left to right.</param>
public sealed record ExpressionValue(ExactRational Value, IReadOnlyList<long> Numbers);
