using System.Globalization;

namespace R1Sharp.Tasks;

/// <summary>
/// Long multiplication such as <c>347*58</c>: a <see cref="LeftDigits"/>-digit number times a
/// <see cref="RightDigits"/>-digit one, exact integer answer. The family of <c>r1 zero --tools</c>: a
/// sub-million-parameter model does not learn to multiply a three-digit number by a two-digit one in minutes (the
/// product has up to five digits, each depending on every digit of both factors), but it does learn to copy the
/// factors into a calculator call and the calculator's output into its answer, so a tool pays.
/// A problem is its expression (<see cref="ReasoningProblem.Key"/>): the left factor always has the larger number of
/// digits, so <c>347*58</c> and <c>58*347</c> are never both generated.
/// </summary>
/// <param name="LeftDigits">Digits of the left factor. Default 3.</param>
/// <param name="RightDigits">Digits of the right factor (at most <paramref name="LeftDigits"/>). Default 2.</param>
public sealed record MultiplicationTask(int LeftDigits = 3, int RightDigits = 2) : IReasoningTask
{
    /// <summary>The family's name.</summary>
    public const string FamilyName = "multiplication";

    /// <inheritdoc />
    public string Family => FamilyName;

    /// <inheritdoc />
    public ReasoningProblem Generate(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (LeftDigits is < 1 or > 6 || RightDigits < 1 || RightDigits > LeftDigits)
            throw new ArgumentException($"multiplication: digits must satisfy 1 <= right ({RightDigits}) <= left ({LeftDigits}) <= 6.");
        int left = random.Next(Pow10(LeftDigits - 1), Pow10(LeftDigits));
        int right = random.Next(Pow10(RightDigits - 1), Pow10(RightDigits));
        long product = (long)left * right;
        string expression = $"{left}*{right}";
        return new ReasoningProblem(Family, $"Compute {expression}", product.ToString(CultureInfo.InvariantCulture), [left, right], product, expression);
    }

    /// <inheritdoc />
    public bool IsCorrect(ReasoningProblem problem, string answer)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(answer);
        // The number itself: restating "347*58" would score without computing anything.
        return long.TryParse(answer.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) && value == problem.Target;
    }

    /// <summary>
    /// A solution without a tool: a bare guess of the right magnitude (the product scaled by 0.8–1.2, so almost never
    /// exact), as a model that has not computed anything writes. The tool-using solutions are written by the corpus of
    /// <c>r1 zero --tools</c>, which knows the call format.
    /// </summary>
    public string WriteSolution(ReasoningProblem problem, Random random, CorpusNoise noise)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(random);
        return $" <think> </think> <answer>{Guess(problem, random)}</answer>";
    }

    /// <summary>A guess of the right magnitude that is never the product.</summary>
    public static long Guess(ReasoningProblem problem, Random random)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(random);
        long guess = (long)Math.Round(problem.Target * (0.8 + 0.4 * random.NextDouble()));
        return guess == problem.Target ? guess + 10 : guess;
    }

    private static int Pow10(int digits) => (int)Math.Pow(10, digits);
}
