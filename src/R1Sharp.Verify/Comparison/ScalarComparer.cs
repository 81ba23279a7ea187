using R1Sharp.Verify.Algebra;
using R1Sharp.Verify.Parsing;

namespace R1Sharp.Verify.Comparison;

/// <summary>
/// Compares two scalar expressions: identical canonical forms are equal; otherwise both are evaluated, exactly
/// where possible, at the same deterministic sample points of their variables (rule 10).
/// </summary>
internal static class ScalarComparer
{
    public static bool AreEqual(Node gold, Node predicted, CheckBudget budget)
    {
        if (CanonicalForm.Of(gold) == CanonicalForm.Of(predicted)) return true;
        var goldVariables = FreeSymbols.Of(gold);
        var predictedVariables = FreeSymbols.Of(predicted);
        // Free variables where the gold has none (or other ones) are a hedge, not an answer (rule 11).
        if (!predictedVariables.IsSubsetOf(goldVariables)) return false;

        if (goldVariables.Count == 0)
        {
            var g = new Evaluator(EmptyAssignment, budget).Evaluate(gold);
            if (DecimalRule.AsDecimal(predicted) is { } written) return DecimalRule.Accepts(g, written.Value, written.Literal);
            var p = new Evaluator(EmptyAssignment, budget).Evaluate(predicted);
            // Too large to evaluate (rule 12): equal only when both reduce to the same exact power.
            if (g.Unreliable || p.Unreliable)
                return LargePowers.AreEqual(gold, predicted, new Evaluator(EmptyAssignment, budget)) ?? false;
            return ValueEquality.AreEqual(g, p);
        }
        return AgreeAtSamplePoints(gold, predicted, goldVariables, budget, ValueEquality.AreEqual);
    }

    /// <summary>Evaluates both at every sample point; points where both are undefined are skipped, at least two must count.</summary>
    public static bool AgreeAtSamplePoints(Node a, Node b, IEnumerable<string> variables, CheckBudget budget, Func<Value, Value, bool> agree)
    {
        int counted = 0;
        for (int point = 0; point < SamplePoints.Count; point++)
        {
            if (budget.Exhausted) return false;
            var assignment = SamplePoints.Assignment(variables, point);
            var va = new Evaluator(assignment, budget).Evaluate(a);
            var vb = new Evaluator(assignment, budget).Evaluate(b);
            bool aBad = va.Unreliable, bBad = vb.Unreliable;
            if (aBad && bBad) continue;
            if (aBad || bBad || !agree(va, vb)) return false;
            counted++;
        }
        return counted >= 2;
    }

    private static readonly Dictionary<string, Value> EmptyAssignment = new();
}
