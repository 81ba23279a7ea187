namespace R1Sharp.Text.Templates.Jinja;

/// <summary>The <c>loop</c> variable inside a for loop.</summary>
internal sealed class LoopContext
{
    private readonly IReadOnlyList<object?> _items;

    public LoopContext(IReadOnlyList<object?> items) => _items = items;

    public int Index0 { get; set; }

    public object? Get(string name) => name switch
    {
        "index" => (long)(Index0 + 1),
        "index0" => (long)Index0,
        "revindex" => (long)(_items.Count - Index0),
        "revindex0" => (long)(_items.Count - Index0 - 1),
        "first" => Index0 == 0,
        "last" => Index0 == _items.Count - 1,
        "length" => (long)_items.Count,
        "depth" => 1L,
        "depth0" => 0L,
        "previtem" => Index0 > 0 ? _items[Index0 - 1] : new Undefined("there is no previous item"),
        "nextitem" => Index0 < _items.Count - 1 ? _items[Index0 + 1] : new Undefined("there is no next item"),
        "cycle" => new Callable("loop.cycle", (args, _) => args.Count == 0 ? null : args[Index0 % args.Count]),
        _ => new Undefined($"loop has no attribute '{name}'"),
    };
}
