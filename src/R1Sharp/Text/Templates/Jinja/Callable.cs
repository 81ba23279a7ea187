namespace R1Sharp.Text.Templates.Jinja;

/// <summary>A function a template can call: globals (range, namespace, raise_exception, strftime_now) and macros.</summary>
/// <param name="Name">Name for messages.</param>
/// <param name="Invoke">Positional arguments, keyword arguments -> result.</param>
internal sealed record Callable(string Name, Func<IReadOnlyList<object?>, IReadOnlyDictionary<string, object?>, object?> Invoke);
