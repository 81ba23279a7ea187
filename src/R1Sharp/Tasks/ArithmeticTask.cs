using System.Globalization;
using System.Text;

namespace R1Sharp.Tasks;

/// <summary>
/// Multi-step arithmetic such as <c>3+4*5-2</c>: 2–3 operations on one-digit numbers with the usual precedence,
/// exact integer answers. Worked solutions reduce multiplications first, then left to right.
/// </summary>
/// <param name="MinOperations">Fewest operations per problem. Default 2.</param>
/// <param name="MaxOperations">Most operations per problem. Default 3.</param>
/// <param name="MaxOperand">Largest operand (operands are 1..MaxOperand). Default 9.</param>
/// <param name="MaxMultiplications">
/// Most <c>*</c> per problem. Default 1: a second product (<c>3*4*5</c>) means multiplying two-digit numbers, which
/// a sub-million-parameter model barely learns in the pre-training budget, so the task would test arithmetic
/// capacity instead of whether reasoning is used.
/// </param>
/// <param name="NonNegativeSteps">Only problems whose worked steps never go below zero. Default true (same reason).</param>
public sealed record ArithmeticTask(int MinOperations = 2, int MaxOperations = 3, int MaxOperand = 9, int MaxMultiplications = 1, bool NonNegativeSteps = true) : IReasoningTask
{
    private static readonly char[] Operators = ['+', '-', '*'];

    /// <inheritdoc />
    public string Family => "arithmetic";

    /// <inheritdoc />
    public ReasoningProblem Generate(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int ops = random.Next(MinOperations, MaxOperations + 1);
        var numbers = new int[ops + 1];
        var operators = new char[ops];
        do
        {
            for (int i = 0; i <= ops; i++) numbers[i] = random.Next(1, MaxOperand + 1);
            for (int i = 0; i < ops; i++) operators[i] = Operators[random.Next(Operators.Length)];
        }
        while (operators.Count(o => o == '*') > MaxMultiplications || (NonNegativeSteps && WorkedValues(numbers, operators).Any(v => v < 0)));
        var expression = new StringBuilder().Append(numbers[0]);
        for (int i = 0; i < ops; i++) expression.Append(operators[i]).Append(numbers[i + 1]);
        string text = expression.ToString();
        var value = ArithmeticExpression.Evaluate(text).Value;
        long target = (long)value.Numerator;
        return new ReasoningProblem(Family, $"Compute {text}", target.ToString(CultureInfo.InvariantCulture), numbers, target, text);
    }

    /// <inheritdoc />
    public bool IsCorrect(ReasoningProblem problem, string answer)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(answer);
        // The answer must be the number itself: restating the expression would score without computing anything.
        string trimmed = answer.Trim();
        return long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
            && value == problem.Target;
    }

    // The value after every worked step: products first, then left to right.
    private static IEnumerable<long> WorkedValues(int[] numbers, char[] operators)
    {
        var nums = numbers.Select(n => (long)n).ToList();
        var ops = operators.ToList();
        while (ops.Count > 0)
        {
            int i = ops.IndexOf('*');
            if (i < 0) i = 0;
            nums[i] = StepWriter.Apply(nums[i], ops[i], nums[i + 1]);
            yield return nums[i];
            nums.RemoveAt(i + 1);
            ops.RemoveAt(i);
        }
    }

    /// <inheritdoc />
    public string WriteSolution(ReasoningProblem problem, Random random, CorpusNoise noise)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(noise);
        double mode = random.NextDouble();
        if (mode < noise.GuessRate)
        {
            long guess = random.NextDouble() < noise.GuessCorrectRate ? problem.Target : StepWriter.Wrong(problem.Target, random);
            return $" <think> </think> <answer>{guess}</answer>";
        }
        bool selfCheck = random.NextDouble() < noise.SelfCheckRate;
        var nums = problem.Numbers.Select(n => (long)n).ToList();
        var ops = problem.Expression.Where(c => Array.IndexOf(Operators, c) >= 0).ToList();
        var steps = new List<string>();
        bool first = true;
        while (ops.Count > 0)
        {
            int i = ops.IndexOf('*');
            if (i < 0) i = 0;
            long right = StepWriter.Apply(nums[i], ops[i], nums[i + 1]);
            long written = right;
            if (selfCheck && first)
            {
                long wrong = StepWriter.Wrong(right, random);
                steps.Add($"{StepWriter.Step(nums[i], ops[i], nums[i + 1], wrong)}, wait, check again: {StepWriter.Step(nums[i], ops[i], nums[i + 1], right)}");
            }
            else
            {
                if (!selfCheck && random.NextDouble() < noise.StepErrorRate) written = StepWriter.Wrong(right, random);
                steps.Add(StepWriter.Step(nums[i], ops[i], nums[i + 1], written));
            }
            first = false;
            nums[i] = written;
            nums.RemoveAt(i + 1);
            ops.RemoveAt(i);
        }
        return $" <think> {string.Join(", ", steps)} </think> <answer>{nums[0]}</answer>";
    }
}
