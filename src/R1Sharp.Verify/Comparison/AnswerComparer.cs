using R1Sharp.Verify.Algebra;
using R1Sharp.Verify.Parsing;

namespace R1Sharp.Verify.Comparison;

/// <summary>
/// Structural comparison of a parsed gold answer with a parsed prediction: equations (rule 9), percent (rule 4),
/// intervals (rule 8), sets, tuples and ± (rule 7), matrices, then scalars. Kinds that do not correspond never
/// match, which is what makes hedges wrong (rule 11): a list is not a number, a set is not a tuple.
/// </summary>
internal sealed class AnswerComparer(CheckBudget budget)
{
    private int _depth;

    public bool AreEquivalent(Node gold, Node predicted)
    {
        if (++_depth > 64 || budget.Exhausted) { _depth--; return false; }
        try
        {
            return Compare(gold, predicted);
        }
        finally
        {
            _depth--;
        }
    }

    private bool Compare(Node gold, Node predicted)
    {
        gold = Membership(DropApproximation(gold));
        predicted = Membership(DropApproximation(predicted));
        // Equations: "x = 5" with a lone symbol on the left stands for its value when the other side is not an equation.
        bool goldEquation = IsEquation(gold), predictedEquation = IsEquation(predicted);
        if (goldEquation && predictedEquation) return CompareEquations((RelationNode)gold, (RelationNode)predicted);
        if (goldEquation) return HasLoneLeftSide((RelationNode)gold) && AreEquivalent(LastSide(gold), predicted);
        if (predictedEquation) return HasLoneLeftSide((RelationNode)predicted) && ConsistentChain((RelationNode)predicted) && AreEquivalent(gold, LastSide(predicted));

        // Percent (rule 4): gold p% accepts p and p%; a gold without % rejects p%.
        if (gold is PercentNode goldPercent) return AreEquivalent(goldPercent.Operand, predicted is PercentNode pp ? pp.Operand : predicted);
        if (predicted is PercentNode) return false;

        gold = ExpandPlusMinus(gold);
        predicted = ExpandPlusMinus(predicted);

        var goldIntervals = IntervalSets.From(gold, pairsAsIntervals: false);
        if (goldIntervals is not null)
        {
            var predictedIntervals = IntervalSets.From(predicted, pairsAsIntervals: true);
            return predictedIntervals is not null && SameIntervals(goldIntervals, predictedIntervals);
        }
        if (gold is TupleNode { Items.Count: 2 } && (predicted is IntervalNode or UnionNode or RealsNode || IsInterval(predicted)))
        {
            var asIntervals = IntervalSets.From(gold, pairsAsIntervals: true);
            var predictedIntervals = IntervalSets.From(predicted, pairsAsIntervals: true);
            return asIntervals is not null && predictedIntervals is not null && SameIntervals(asIntervals, predictedIntervals);
        }

        switch (gold, predicted)
        {
            case (SetNode g, SetNode p): return SetMatcher.SameElements(g.Items, p.Items, AreEquivalent);
            case (SetNode { Items.Count: 1 } g, _): return AreEquivalent(g.Items[0], predicted);
            case (_, SetNode { Items.Count: 1 } p): return AreEquivalent(gold, p.Items[0]);
            case (SetNode, _) or (_, SetNode): return false;
            case (TupleNode g, TupleNode p): return g.Items.Count == p.Items.Count && g.Items.Zip(p.Items).All(x => AreEquivalent(x.First, x.Second));
            case (TupleNode, _) or (_, TupleNode): return false;
            case (MatrixNode g, MatrixNode p): return SameMatrix(g, p);
            case (MatrixNode, _) or (_, MatrixNode): return false;
            case (RelationNode g, RelationNode p): return CompareRelations(g, p);
            case (RelationNode, _) or (_, RelationNode): return false;
            case (IntervalNode or UnionNode or RealsNode, _) or (_, IntervalNode or UnionNode or RealsNode): return false;
        }
        return ScalarComparer.AreEqual(gold, predicted, budget);
    }

    // "x = 1/3 \approx 0.33": the exact part is the answer; "x \approx 11" keeps its approximate value.
    private static Node DropApproximation(Node node)
    {
        if (node is not RelationNode r) return node;
        int at = r.Operators.ToList().IndexOf("\\approx");
        if (at < 0) return node;
        if (at == 0 && r.Operators.Count == 1)
            return IsLone(r.Sides[0]) ? new RelationNode(r.Sides, ["="]) : r.Sides[0]; // "x ≈ 11" is x = 11; "9.5/π ≈ 3.01" is 9.5/π
        if (at == 0) return node;
        return new RelationNode(r.Sides.Take(at + 1).ToArray(), r.Operators.Take(at).ToArray());
    }

    // "x \in S" states the answer S (rule 8); for intervals IntervalSets also reads it, for sets this does.
    private static Node Membership(Node node) =>
        node is RelationNode { Operators: ["\\in"] } r && r.Sides[0] is SymbolNode { IsConstant: false } ? r.Sides[1] : node;

    private static bool IsInterval(Node node) => node is RelationNode r && r.Operators.All(o => o != "=");

    private static bool IsEquation(Node node) => node is RelationNode r && r.Operators.All(o => o == "=");

    // v = value, (p, q) = (3, 2), a_3 = 2; chains "x = 5 + 5 + 1 = 11" stand for their last side.
    private static bool HasLoneLeftSide(RelationNode r) => IsLone(r.Sides[0]);

    private static bool IsLone(Node node) => node switch
    {
        SymbolNode { IsConstant: false } => true,
        TupleNode t => t.Items.All(i => i is SymbolNode { IsConstant: false }),
        CallNode { Arguments: var args } c => c.Name is "f" or "g" or "h" && args.All(a => a is SymbolNode),
        _ => false,
    };

    // "x = 5 + 5 + 1 = 11" computes its value; "x = 6 = 5" states two values and is a hedge (rule 11): every
    // right-hand side of a chain must equal the last one.
    private bool ConsistentChain(RelationNode r)
    {
        for (int i = 1; i < r.Sides.Count - 1; i++)
            if (!AreEquivalent(r.Sides[^1], r.Sides[i])) return false;
        return true;
    }

    private static Node LastSide(Node equation) => ((RelationNode)equation).Sides[^1];

    private bool CompareEquations(RelationNode gold, RelationNode predicted)
    {
        bool goldLone = HasLoneLeftSide(gold), predictedLone = HasLoneLeftSide(predicted);
        if (goldLone && predictedLone && CanonicalForm.Of(gold.Sides[0]) == CanonicalForm.Of(predicted.Sides[0]))
            return ConsistentChain(predicted) && AreEquivalent(gold.Sides[^1], predicted.Sides[^1]);
        return EquationComparer.SameCurve(gold, predicted, budget);
    }

    private bool CompareRelations(RelationNode gold, RelationNode predicted)
    {
        if (!gold.Operators.SequenceEqual(predicted.Operators) || gold.Sides.Count != predicted.Sides.Count) return false;
        return gold.Sides.Zip(predicted.Sides).All(x => ScalarComparer.AreEqual(x.First, x.Second, budget));
    }

    private static Node ExpandPlusMinus(Node node)
    {
        // Inside a set, "a \pm b" contributes both of its values: {1 \pm \sqrt5, -2} has three elements.
        if (node is SetNode set && set.Items.Any(i => i is PlusMinusNode))
            return set with { Items = set.Items.SelectMany(i => ExpandPlusMinus(i) is SetNode inner && i is PlusMinusNode ? inner.Items : [i]).ToArray() };
        if (node is not PlusMinusNode pm) return node;
        return new SetNode([new SumNode([pm.Left, pm.Right]), new SumNode([pm.Left, new NegateNode(pm.Right)])], Braced: false);
    }

    private bool SameIntervals(List<IntervalNode> gold, List<IntervalNode> predicted)
    {
        if (gold.Count != predicted.Count) return false;
        return SetMatcher.SameElements(gold, predicted, SameInterval);
    }

    private bool SameInterval(IntervalNode a, IntervalNode b) =>
        a.LowClosed == b.LowClosed && a.HighClosed == b.HighClosed && SameEnd(a.Low, b.Low) && SameEnd(a.High, b.High);

    private bool SameEnd(Node a, Node b)
    {
        int sa = IntervalSets.InfinitySign(a), sb = IntervalSets.InfinitySign(b);
        if (sa != 0 || sb != 0) return sa == sb;
        return ScalarComparer.AreEqual(a, b, budget);
    }

    private bool SameMatrix(MatrixNode g, MatrixNode p)
    {
        if (g.Rows.Count != p.Rows.Count || g.Rows[0].Count != p.Rows[0].Count) return false;
        for (int r = 0; r < g.Rows.Count; r++)
            for (int c = 0; c < g.Rows[r].Count; c++)
                if (!AreEquivalent(g.Rows[r][c], p.Rows[r][c])) return false;
        return true;
    }
}
