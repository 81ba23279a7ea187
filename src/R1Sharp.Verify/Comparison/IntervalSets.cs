using R1Sharp.Verify.Parsing;

namespace R1Sharp.Verify.Comparison;

/// <summary>
/// Reads interval-like answers as a list of intervals (rule 8): <c>[a,b)</c>, unions, <c>\mathbb{R}</c>,
/// <c>x \in I</c> and one-variable inequalities (<c>x &gt; 5</c>, <c>-2 \le x \le 7</c>, <c>x \ne 3</c>).
/// </summary>
internal static class IntervalSets
{
    private static readonly SymbolNode Infinity = new(SymbolNode.Infinity);
    private static readonly Node MinusInfinity = new NegateNode(new SymbolNode(SymbolNode.Infinity));

    /// <summary>The intervals the node describes, or null when it is not interval-like. Open pairs (a, b) count only when <paramref name="pairsAsIntervals"/>.</summary>
    public static List<IntervalNode>? From(Node node, bool pairsAsIntervals)
    {
        switch (node)
        {
            case IntervalNode interval: return [interval];
            case RealsNode: return [new IntervalNode(MinusInfinity, Infinity, false, false)];
            case TupleNode { Items.Count: 2 } pair when pairsAsIntervals: return [new IntervalNode(pair.Items[0], pair.Items[1], false, false)];
            case UnionNode union:
                {
                    var all = new List<IntervalNode>();
                    foreach (var part in union.Parts)
                    {
                        var intervals = From(part, pairsAsIntervals: true) ?? SinglePoint(part);
                        if (intervals is null) return null;
                        all.AddRange(intervals);
                    }
                    return all;
                }
            case RelationNode relation: return FromRelation(relation);
            default: return null;
        }
    }

    // {-1} in a union is the degenerate interval [-1, -1].
    private static List<IntervalNode>? SinglePoint(Node node) =>
        node is SetNode { Braced: true, Items.Count: 1 } set ? [new IntervalNode(set.Items[0], set.Items[0], true, true)] : null;

    private static List<IntervalNode>? FromRelation(RelationNode r)
    {
        // "-x > -1" reads as "x < 1".
        if (r.Operators.Count == 1 && r.Sides[0] is NegateNode { Operand: var inner } && IsVariable(inner) && IsOrder(r.Operators[0]))
            r = new RelationNode([inner, new NegateNode(r.Sides[1])], [Flip(r.Operators[0])]);
        if (FromAbsoluteValue(r) is { } absolute) return absolute;
        var ops = r.Operators;
        var sides = r.Sides;
        if (ops.Count == 1 && ops[0] == "\\in" && IsVariable(sides[0])) return From(sides[1], pairsAsIntervals: true);
        if (ops.Count == 1 && ops[0] == "≠" && IsVariable(sides[0]))
            return [new IntervalNode(MinusInfinity, sides[1], false, false), new IntervalNode(sides[1], Infinity, false, false)];
        if (ops.Count == 1 && IsOrder(ops[0]))
        {
            if (IsVariable(sides[0])) return [Bound(ops[0], sides[1], variableOnLeft: true)];
            if (IsVariable(sides[1])) return [Bound(ops[0], sides[0], variableOnLeft: false)];
            return null;
        }
        if (ops.Count == 2 && IsOrder(ops[0]) && IsOrder(ops[1]) && IsVariable(sides[1]))
        {
            bool ascending = ops[0] is "<" or "≤";
            if (ascending != (ops[1] is "<" or "≤")) return null;
            var (low, high) = ascending ? (sides[0], sides[2]) : (sides[2], sides[0]);
            bool lowClosed = (ascending ? ops[0] : ops[1]) is "≤" or "≥";
            bool highClosed = (ascending ? ops[1] : ops[0]) is "≤" or "≥";
            return [new IntervalNode(low, high, lowClosed, highClosed)];
        }
        return null;
    }

    // |x| < c is (-c, c); |x| > c is (-∞, -c) ∪ (c, ∞); a ≤ |x| ≤ b is [-b, -a] ∪ [a, b].
    private static List<IntervalNode>? FromAbsoluteValue(RelationNode r)
    {
        static bool IsAbs(Node n) => n is CallNode { Name: "abs", Arguments: [var inner] } && IsVariable(inner);
        var ops = r.Operators;
        if (ops.Count == 1 && IsOrder(ops[0]) && (IsAbs(r.Sides[0]) || IsAbs(r.Sides[1])))
        {
            bool absOnLeft = IsAbs(r.Sides[0]);
            var bound = absOnLeft ? r.Sides[1] : r.Sides[0];
            bool closed = ops[0] is "≤" or "≥";
            bool below = (ops[0] is "<" or "≤") == absOnLeft;
            return below
                ? [new IntervalNode(new NegateNode(bound), bound, closed, closed)]
                : [new IntervalNode(MinusInfinity, new NegateNode(bound), false, closed), new IntervalNode(bound, Infinity, closed, false)];
        }
        if (ops.Count == 2 && IsAbs(r.Sides[1]) && IsOrder(ops[0]) && IsOrder(ops[1]) && (ops[0] is "<" or "≤") == (ops[1] is "<" or "≤"))
        {
            bool ascending = ops[0] is "<" or "≤";
            var (low, high) = ascending ? (r.Sides[0], r.Sides[2]) : (r.Sides[2], r.Sides[0]);
            bool lowClosed = (ascending ? ops[0] : ops[1]) is "≤" or "≥";
            bool highClosed = (ascending ? ops[1] : ops[0]) is "≤" or "≥";
            return [new IntervalNode(new NegateNode(high), new NegateNode(low), highClosed, lowClosed), new IntervalNode(low, high, lowClosed, highClosed)];
        }
        return null;
    }

    // x < c, x ≤ c, x > c, x ≥ c (mirrored when the variable is on the right).
    private static IntervalNode Bound(string op, Node value, bool variableOnLeft)
    {
        bool upper = (op is "<" or "≤") == variableOnLeft;
        bool closed = op is "≤" or "≥";
        return upper ? new IntervalNode(MinusInfinity, value, false, closed) : new IntervalNode(value, Infinity, closed, false);
    }

    private static string Flip(string op) => op switch { "<" => ">", ">" => "<", "≤" => "≥", "≥" => "≤", _ => op };

    private static bool IsOrder(string op) => op is "<" or ">" or "≤" or "≥";

    // A variable, or a function value such as f(x) in "0 < f(x) < 1".
    private static bool IsVariable(Node node) => node is SymbolNode { IsConstant: false } or CallNode { Name: "f" or "g" or "h" };

    /// <summary>+1 for +∞, -1 for -∞, 0 for a finite end.</summary>
    public static int InfinitySign(Node node) => node switch
    {
        SymbolNode { Name: SymbolNode.Infinity } => 1,
        NegateNode { Operand: SymbolNode { Name: SymbolNode.Infinity } } => -1,
        _ => 0,
    };

    /// <summary>Sort key for matching intervals of a union (finite ends by value; unknown ends keep order).</summary>
    public static double SortKey(IntervalNode interval, Func<Node, double> approximate) =>
        InfinitySign(interval.Low) switch { -1 => double.NegativeInfinity, 1 => double.PositiveInfinity, _ => approximate(interval.Low) };
}
