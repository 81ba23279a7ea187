using R1Sharp.Verify.Algebra;
using R1Sharp.Verify.Parsing;

namespace R1Sharp.Verify.Comparison;

/// <summary>
/// Rule 9: two equations match when they describe the same curve: (L1 - R1) is a fixed non-zero multiple of
/// (L2 - R2) at every sample point, so scalings and rearrangements match but different curves do not.
/// </summary>
internal static class EquationComparer
{
    public static bool SameCurve(RelationNode gold, RelationNode predicted, CheckBudget budget)
    {
        if (gold.Sides.Count != 2 || predicted.Sides.Count != 2) return false;
        Node f = new SumNode([gold.Sides[0], new NegateNode(gold.Sides[1])]);
        Node g = new SumNode([predicted.Sides[0], new NegateNode(predicted.Sides[1])]);
        var variables = FreeSymbols.Of(gold);
        if (variables.Count == 0 || !FreeSymbols.Of(predicted).IsSubsetOf(variables)) return false;

        Value? ratio = null;
        bool ratioMismatch = false;
        bool agrees = ScalarComparer.AgreeAtSamplePoints(f, g, variables, budget, (a, b) =>
        {
            bool aZero = ValueEquality.AreEqual(a, Value.Exact(Numbers.BigRational.Zero));
            bool bZero = ValueEquality.AreEqual(b, Value.Exact(Numbers.BigRational.Zero));
            if (aZero || bZero) return aZero && bZero;
            var r = ValueArithmetic.Multiply(a, ValueArithmetic.Reciprocal(b), budget);
            if (ratio is null) { ratio = r; return !r.Unreliable; }
            if (!ValueEquality.AreEqual(ratio.Value, r)) ratioMismatch = true;
            return !ratioMismatch;
        });
        return agrees && ratio is not null;
    }
}
