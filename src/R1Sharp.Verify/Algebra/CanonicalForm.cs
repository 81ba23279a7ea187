using System.Text;
using R1Sharp.Verify.Parsing;

namespace R1Sharp.Verify.Algebra;

/// <summary>
/// A canonical string of an expression tree: sums and products flattened and their operands sorted, so that
/// reordered but identical answers compare equal without evaluation (this also decides identical power
/// towers, which are never expanded).
/// </summary>
internal static class CanonicalForm
{
    public static string Of(Node node)
    {
        var builder = new StringBuilder();
        Write(node, builder, 0);
        return builder.ToString();
    }

    private static void Write(Node node, StringBuilder b, int depth)
    {
        if (depth > 200) { b.Append('…'); return; }
        switch (node)
        {
            case NumberNode n: b.Append(n.Value.ToString()); break;
            case SymbolNode s: b.Append(s.Name); break;
            case SumNode sum: Sorted(b, "+", Flatten<SumNode>(sum.Terms, x => x.Terms), depth); break;
            case ProductNode p: Sorted(b, "*", Flatten<ProductNode>(p.Factors, x => x.Factors), depth); break;
            case NegateNode neg: b.Append("(-"); Write(neg.Operand, b, depth + 1); b.Append(')'); break;
            case PowerNode pow: b.Append("pow("); Write(pow.Base, b, depth + 1); b.Append(','); Write(pow.Exponent, b, depth + 1); b.Append(')'); break;
            case CallNode call: Ordered(b, call.Name, call.Arguments, depth); break;
            case FactorialNode f: b.Append("fact("); Write(f.Operand, b, depth + 1); b.Append(')'); break;
            case PercentNode p: b.Append("pct("); Write(p.Operand, b, depth + 1); b.Append(')'); break;
            case PlusMinusNode pm: Ordered(b, "pm", [pm.Left, pm.Right], depth); break;
            case SetNode set: Sorted(b, "set", set.Items, depth); break;
            case TupleNode tuple: Ordered(b, "tuple", tuple.Items, depth); break;
            case IntervalNode i: Ordered(b, (i.LowClosed ? "[" : "(") + (i.HighClosed ? "]" : ")"), [i.Low, i.High], depth); break;
            case UnionNode u: Sorted(b, "union", u.Parts, depth); break;
            case RelationNode r: b.Append("rel:").Append(string.Join(",", r.Operators)); Ordered(b, "", r.Sides, depth); break;
            case MatrixNode m: b.Append("matrix"); foreach (var row in m.Rows) Ordered(b, "", row, depth); break;
            case RealsNode: b.Append("R"); break;
            default: b.Append('?'); break;
        }
    }

    private static IEnumerable<Node> Flatten<T>(IEnumerable<Node> items, Func<T, IEnumerable<Node>> children) where T : Node =>
        items.SelectMany(x => x is T inner ? Flatten(children(inner), children) : [x]);

    private static void Sorted(StringBuilder b, string name, IEnumerable<Node> items, int depth)
    {
        var parts = items.Select(x => { var sb = new StringBuilder(); Write(x, sb, depth + 1); return sb.ToString(); })
                         .OrderBy(x => x, StringComparer.Ordinal);
        b.Append(name).Append('{').AppendJoin(';', parts).Append('}');
    }

    private static void Ordered(StringBuilder b, string name, IEnumerable<Node> items, int depth)
    {
        b.Append(name).Append('(');
        bool first = true;
        foreach (var item in items)
        {
            if (!first) b.Append(';');
            Write(item, b, depth + 1);
            first = false;
        }
        b.Append(')');
    }
}
