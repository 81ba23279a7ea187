using System.Globalization;

namespace R1Sharp.Tasks;

/// <summary>
/// Countdown-style target-number puzzle (as in TinyZero): reach the target from the given numbers with + - * /.
/// Rule chosen here: each given number is used <b>exactly once</b> (the multiset of literals in the answer must equal
/// the given numbers), because "at most once" makes trivial answers (a single number equal to the target) legal.
/// Answers are evaluated exactly with rationals, so <c>8/3*3</c> is 8 and division by zero is simply wrong.
/// </summary>
/// <param name="Count">How many numbers are given. Default 3.</param>
/// <param name="MaxNumber">Numbers are drawn from 1..MaxNumber. Default 9.</param>
/// <param name="MaxTarget">Targets are 1..MaxTarget. Default 99.</param>
/// <param name="MaxMultiplications">
/// Most <c>*</c> in the generated expressions (problems and the corpus' attempts; answers may use any operators).
/// Default 1: products of two-digit numbers are beyond what the small built-in model learns in its budget.
/// </param>
/// <param name="NonNegativeSteps">Generated expressions never go below zero along the way. Default true.</param>
public sealed record CountdownTask(int Count = 3, int MaxNumber = 9, int MaxTarget = 99, int MaxMultiplications = 1, bool NonNegativeSteps = true) : IReasoningTask
{
    private static readonly char[] Operators = ['+', '-', '*'];

    /// <inheritdoc />
    public string Family => "countdown";

    /// <inheritdoc />
    public ReasoningProblem Generate(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        while (true)
        {
            var numbers = Enumerable.Range(0, Count).Select(_ => random.Next(1, MaxNumber + 1)).ToArray();
            var (expression, value) = RandomExpression(numbers, random);
            if (value < 1 || value > MaxTarget) continue;
            string list = string.Join(", ", numbers);
            string question = $"Using the numbers {list}, make {value}. Use each number exactly once with + - * /";
            return new ReasoningProblem(Family, question, expression, numbers, value, expression);
        }
    }

    /// <inheritdoc />
    public bool IsCorrect(ReasoningProblem problem, string answer)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(answer);
        // Accept "expr" or "expr = target" (models often restate the target); anything after '=' must be the target.
        string expression = answer;
        int eq = answer.IndexOf('=', StringComparison.Ordinal);
        if (eq >= 0)
        {
            if (!long.TryParse(answer.AsSpan(eq + 1).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long stated)
                || stated != problem.Target) return false;
            expression = answer[..eq];
        }
        var result = ArithmeticExpression.TryEvaluate(expression);
        if (result is null) return false;
        var used = result.Numbers.OrderBy(n => n).ToArray();
        var given = problem.Numbers.Select(n => (long)n).OrderBy(n => n).ToArray();
        return used.SequenceEqual(given) && result.Value == ExactRational.FromInteger(problem.Target);
    }

    /// <inheritdoc />
    public string WriteSolution(ReasoningProblem problem, Random random, CorpusNoise noise)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(noise);
        var numbers = problem.Numbers.ToArray();
        if (random.NextDouble() < noise.GuessRate)
            return $" <think> </think> <answer>{RandomExpression(numbers, random).Expression}</answer>";
        string Attempt() => random.NextDouble() < noise.CountdownRightAttemptRate ? problem.Expression : RandomExpression(numbers, random).Expression;
        if (random.NextDouble() >= noise.SelfCheckRate)
        {
            // One attempt, answered whatever it gave: no check against the target.
            string attempt = Attempt();
            return $" <think> {Work(attempt, random, noise.StepErrorRate).Steps} </think> <answer>{attempt}</answer>";
        }
        // Self-checking: compare each attempt's value with the target and try again until it is reached.
        var text = new System.Text.StringBuilder(" <think> ");
        for (int k = 1; ; k++)
        {
            string attempt = Attempt();
            var (steps, value) = Work(attempt, random, 0);
            text.Append(steps);
            // Out of attempts: answer the last one anyway (a solver cannot know the right expression in advance).
            if (value == problem.Target || k >= noise.CountdownMaxAttempts)
                return text.Append($" </think> <answer>{attempt}</answer>").ToString();
            text.Append(CultureInfo.InvariantCulture, $", wait, {value} is not {problem.Target}, try again: ");
        }
    }

    // Expressions are written "(a op b) op c ..." (left to right) so the steps read in the same order.
    private (string Expression, long Value) RandomExpression(int[] numbers, Random random)
    {
        for (int tries = 0; ; tries++)
        {
            var order = numbers.OrderBy(_ => random.Next()).ToArray();
            string expression = order[0].ToString(CultureInfo.InvariantCulture);
            long value = order[0];
            int products = 0;
            bool negative = false;
            for (int i = 1; i < order.Length; i++)
            {
                char op = Operators[random.Next(Operators.Length)];
                if (op == '*') products++;
                expression = (i == 1 ? expression : $"({expression})") + op + order[i].ToString(CultureInfo.InvariantCulture);
                value = StepWriter.Apply(value, op, order[i]);
                negative |= value < 0;
            }
            // The limits hold for almost every draw; the bound only guards against settings no expression meets.
            if ((products <= MaxMultiplications && !(NonNegativeSteps && negative)) || tries > 1000) return (expression, value);
        }
    }

    private static (string Steps, long Value) Work(string expression, Random random, double errorRate)
    {
        // Re-walk the left-to-right expression "(a op b) op c": literals and operators in order.
        var literals = new List<long>();
        var ops = new List<char>();
        int i = 0;
        while (i < expression.Length)
        {
            char c = expression[i];
            if (char.IsAsciiDigit(c))
            {
                int start = i;
                while (i < expression.Length && char.IsAsciiDigit(expression[i])) i++;
                literals.Add(long.Parse(expression.AsSpan(start, i - start), CultureInfo.InvariantCulture));
                continue;
            }
            if (c is '+' or '-' or '*') ops.Add(c);
            i++;
        }
        long value = literals[0];
        var steps = new List<string>();
        for (int k = 0; k < ops.Count; k++)
        {
            long result = StepWriter.Apply(value, ops[k], literals[k + 1]);
            if (random.NextDouble() < errorRate) result = StepWriter.Wrong(result, random);
            steps.Add(StepWriter.Step(value, ops[k], literals[k + 1], result));
            value = result;
        }
        return (string.Join(", ", steps), value);
    }
}
