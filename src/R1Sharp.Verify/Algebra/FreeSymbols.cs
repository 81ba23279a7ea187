using R1Sharp.Verify.Parsing;

namespace R1Sharp.Verify.Algebra;

/// <summary>The variables of an expression (constants π, e, i, ∞ excluded).</summary>
internal static class FreeSymbols
{
    public static SortedSet<string> Of(Node node)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        Collect(node, set, 0);
        return set;
    }

    private static void Collect(Node node, SortedSet<string> set, int depth)
    {
        if (depth > 200) return;
        switch (node)
        {
            case SymbolNode s when !s.IsConstant: set.Add(s.Name); break;
            case SumNode sum: foreach (var t in sum.Terms) Collect(t, set, depth + 1); break;
            case ProductNode p: foreach (var f in p.Factors) Collect(f, set, depth + 1); break;
            case NegateNode n: Collect(n.Operand, set, depth + 1); break;
            case PowerNode pow: Collect(pow.Base, set, depth + 1); Collect(pow.Exponent, set, depth + 1); break;
            case CallNode c: foreach (var a in c.Arguments) Collect(a, set, depth + 1); break;
            case FactorialNode f: Collect(f.Operand, set, depth + 1); break;
            case PercentNode pct: Collect(pct.Operand, set, depth + 1); break;
            case PlusMinusNode pm: Collect(pm.Left, set, depth + 1); Collect(pm.Right, set, depth + 1); break;
            case RelationNode r: foreach (var s in r.Sides) Collect(s, set, depth + 1); break;
        }
    }
}
