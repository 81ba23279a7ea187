namespace R1Sharp.Text.Templates.Jinja;

/// <summary>The object made by <c>namespace(...)</c>: attributes that <c>set ns.x = ...</c> can change from inside loops.</summary>
internal sealed class Namespace
{
    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}
