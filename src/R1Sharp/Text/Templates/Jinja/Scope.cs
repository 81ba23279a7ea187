namespace R1Sharp.Text.Templates.Jinja;

/// <summary>
/// Variables visible at a point of the template. For loops and macros open a new scope; <c>if</c> does not. As in
/// Jinja, <c>set</c> inside a loop does not change the outer variable (that is what <c>namespace()</c> is for).
/// </summary>
internal sealed class Scope
{
    private readonly Dictionary<string, object?> _variables = new(StringComparer.Ordinal);
    private readonly Scope? _parent;

    public Scope(Scope? parent) => _parent = parent;

    public bool TryGet(string name, out object? value)
    {
        for (var scope = this; scope is not null; scope = scope._parent)
        {
            if (scope._variables.TryGetValue(name, out value)) return true;
        }
        value = null;
        return false;
    }

    public void Set(string name, object? value) => _variables[name] = value;
}
