using R1Sharp.Verify.Numbers;

namespace R1Sharp.Verify.Algebra;

/// <summary>
/// Deterministic assignments of positive rationals to variables (policy rule 10: variables are positive reals).
/// Exact rationals keep polynomial and rational-function checks exact; distinct, unremarkable values per
/// variable make accidental equality of different expressions vanishingly unlikely.
/// </summary>
internal static class SamplePoints
{
    public const int Count = 5;

    private static readonly int[] Primes = [7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97];

    public static Dictionary<string, Value> Assignment(IEnumerable<string> variables, int point)
    {
        var assignment = new Dictionary<string, Value>(StringComparer.Ordinal);
        int k = 0;
        foreach (var name in variables)
        {
            int p = Primes[(point * 5 + k * 3) % Primes.Length];
            int q = Primes[(point * 7 + k * 11 + 3) % Primes.Length];
            if (p == q) q += 2;
            // Values between about 0.3 and 3: away from 0 and 1, where many different expressions agree.
            assignment[name] = Value.Exact(BigRational.Create(p + point + 2 * k, q));
            k++;
        }
        return assignment;
    }
}
