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
public sealed record ArithmeticTask(int MinOperations = 2, int MaxOperations = 3, int MaxOperand = 9) : IReasoningTask
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
        for (int i = 0; i <= ops; i++) numbers[i] = random.Next(1, MaxOperand + 1);
        for (int i = 0; i < ops; i++) operators[i] = Operators[random.Next(Operators.Length)];
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
        bool selfCheck = mode < noise.GuessRate + noise.SelfCheckRate;
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
