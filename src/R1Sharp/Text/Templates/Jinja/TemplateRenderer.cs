using System.Text;

namespace R1Sharp.Text.Templates.Jinja;

/// <summary>Executes a parsed template against a set of variables.</summary>
internal sealed partial class TemplateRenderer
{
    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    private readonly string _source;

    public TemplateRenderer(string source) => _source = source;

    public string Render(IReadOnlyList<Node> nodes, Scope scope)
    {
        var output = new StringBuilder();
        RenderBlock(nodes, scope, output);
        return output.ToString();
    }

    public TemplateException Error(int offset, string problem) => new(SourcePosition.At(_source, offset), problem);

    private Flow RenderBlock(IReadOnlyList<Node> nodes, Scope scope, StringBuilder output)
    {
        foreach (var node in nodes)
        {
            var flow = RenderNode(node, scope, output);
            if (flow != Flow.Normal) return flow;
        }
        return Flow.Normal;
    }

    private Flow RenderNode(Node node, Scope scope, StringBuilder output)
    {
        switch (node)
        {
            case TextNode text:
                output.Append(text.Text);
                return Flow.Normal;
            case OutputNode o:
                output.Append(PythonValues.Str(Evaluate(o.Value, scope)));
                return Flow.Normal;
            case IfNode ifNode:
                foreach (var (condition, body) in ifNode.Branches)
                {
                    if (PythonValues.IsTruthy(Evaluate(condition, scope))) return RenderBlock(body, scope, output);
                }
                return ifNode.Else is null ? Flow.Normal : RenderBlock(ifNode.Else, scope, output);
            case ForNode forNode:
                RenderFor(forNode, scope, output);
                return Flow.Normal;
            case SetNode set:
                Assign(set, scope);
                return Flow.Normal;
            case SetBlockNode block:
                var captured = new StringBuilder();
                RenderBlock(block.Body, scope, captured);
                scope.Set(block.Target, captured.ToString());
                return Flow.Normal;
            case MacroNode macro:
                scope.Set(macro.Name, MakeMacro(macro, scope));
                return Flow.Normal;
            case BreakNode:
                return Flow.Break;
            case ContinueNode:
                return Flow.Continue;
            default:
                throw Error(node.Offset, $"cannot render {node.GetType().Name}");
        }
    }

    private void RenderFor(ForNode node, Scope scope, StringBuilder output)
    {
        var items = new List<object?>();
        foreach (var item in Iterate(Evaluate(node.Iterable, scope), node.Iterable.Offset))
        {
            if (node.Filter is null)
            {
                items.Add(item);
                continue;
            }
            var probe = new Scope(scope);
            BindTargets(node.Targets, item, probe, node.Offset);
            if (PythonValues.IsTruthy(Evaluate(node.Filter, probe))) items.Add(item);
        }
        if (items.Count == 0)
        {
            if (node.Else is not null) RenderBlock(node.Else, new Scope(scope), output);
            return;
        }
        var loop = new LoopContext(items);
        for (int i = 0; i < items.Count; i++)
        {
            var inner = new Scope(scope);
            loop.Index0 = i;
            inner.Set("loop", loop);
            BindTargets(node.Targets, items[i], inner, node.Offset);
            if (RenderBlock(node.Body, inner, output) == Flow.Break) break;
        }
    }

    private void BindTargets(IReadOnlyList<string> targets, object? value, Scope scope, int offset)
    {
        if (targets.Count == 1)
        {
            scope.Set(targets[0], value);
            return;
        }
        var parts = Iterate(value, offset).ToList();
        if (parts.Count != targets.Count)
            throw Error(offset, $"cannot unpack {parts.Count} values into {targets.Count} names");
        for (int i = 0; i < targets.Count; i++) scope.Set(targets[i], parts[i]);
    }

    private void Assign(SetNode set, Scope scope)
    {
        var value = Evaluate(set.Value, scope);
        if (set.NamespaceTarget is { } target)
        {
            if (Evaluate(target, scope) is not Namespace ns)
                throw Error(set.Offset, $"cannot assign attribute '{set.Targets[0]}': the target is not a namespace()");
            ns.Attributes[set.Targets[0]] = value;
            return;
        }
        BindTargets(set.Targets, value, scope, set.Offset);
    }

    private Callable MakeMacro(MacroNode macro, Scope definingScope) => new(macro.Name, (args, kwargs) =>
    {
        var scope = new Scope(definingScope);
        for (int i = 0; i < macro.Parameters.Count; i++)
        {
            var (name, fallback) = macro.Parameters[i];
            object? value = i < args.Count ? args[i]
                : kwargs.TryGetValue(name, out var named) ? named
                : fallback is not null ? Evaluate(fallback, scope)
                : new Undefined($"'{name}' is undefined");
            scope.Set(name, value);
        }
        if (args.Count > macro.Parameters.Count)
            throw Error(macro.Offset, $"macro '{macro.Name}' takes {macro.Parameters.Count} arguments, {args.Count} given");
        var output = new StringBuilder();
        RenderBlock(macro.Body, scope, output);
        return output.ToString();
    });

    /// <summary>Python iteration: list items, dict keys, string characters; Undefined is empty.</summary>
    public IEnumerable<object?> Iterate(object? value, int offset) => value switch
    {
        Undefined => [],
        List<object?> list => list,
        Dictionary<string, object?> dict => dict.Keys.Cast<object?>().ToList(),
        string s => s.EnumerateRunes().Select(r => (object?)r.ToString()).ToList(),
        _ => throw Error(offset, $"'{PythonValues.TypeName(value)}' object is not iterable"),
    };
}
