namespace R1Sharp.Text.Templates.Jinja;

/// <summary>A Python tuple (dict items, tuple literals): behaves as a list, prints as <c>(a, b)</c>.</summary>
internal sealed class PythonTuple : List<object?>
{
    public PythonTuple(IEnumerable<object?> items)
        : base(items)
    {
    }
}
