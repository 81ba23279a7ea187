namespace R1Sharp.Tasks;

/// <summary>Writes "a op b=c" steps for worked solutions, with optional wrong results.</summary>
internal static class StepWriter
{
    public static long Apply(long a, char op, long b) => op switch
    {
        '+' => a + b,
        '-' => a - b,
        '*' => a * b,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown operator."),
    };

    /// <summary>A plausible wrong result: off by a little, as a careless human (or a small model) would be.</summary>
    public static long Wrong(long value, Random random)
    {
        int delta = random.Next(1, 4) * (random.Next(2) == 0 ? -1 : 1);
        if (random.Next(4) == 0) delta *= 10;
        return value + delta;
    }

    public static string Step(long a, char op, long b, long result) => $"{a}{op}{Operand(b)}={result}";

    // Negative right operands are parenthesised so that the step stays a valid expression.
    private static string Operand(long value) => value < 0 ? $"({value})" : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
