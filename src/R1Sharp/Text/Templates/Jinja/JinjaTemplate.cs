namespace R1Sharp.Text.Templates.Jinja;

/// <summary>
/// A Jinja2 template compiled by R1Sharp's own interpreter, which covers the subset Hugging Face chat templates use
/// and renders it as Python's jinja2 does under transformers' settings (trim_blocks, lstrip_blocks, no trailing
/// newline, transformers' <c>tojson</c>). Unsupported constructs fail at parse time with line:column.
/// </summary>
public sealed class JinjaTemplate
{
    private readonly IReadOnlyList<Node> _nodes;
    private readonly string _normalizedSource;

    private JinjaTemplate(string source)
    {
        Source = source;
        _normalizedSource = source.Replace("\r\n", "\n").Replace('\r', '\n');
        _nodes = TemplateParser.Parse(source);
    }

    /// <summary>The template source as given.</summary>
    public string Source { get; }

    /// <summary>Parses a template.</summary>
    /// <exception cref="TemplateException">Bad syntax or an unsupported construct (with line:column).</exception>
    public static JinjaTemplate Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new JinjaTemplate(source);
    }

    /// <summary>Renders with the given variables.</summary>
    /// <param name="variables">
    /// Name -> value: null, bool, numbers, strings, lists, dictionaries (string keys), <c>JsonElement</c>/<c>JsonNode</c>,
    /// or functions as <see cref="Func{T, TResult}"/> from positional arguments to a result.
    /// </param>
    /// <exception cref="TemplateException">A runtime error, or the template's own <c>raise_exception</c>.</exception>
    public string Render(IReadOnlyDictionary<string, object?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var scope = new Scope(TemplateGlobals.Create());
        foreach (var (name, value) in variables)
        {
            scope.Set(name, value is Func<IReadOnlyList<object?>, object?> function
                ? new Callable(name, (args, _) => TemplateValues.From(function(args)))
                : TemplateValues.From(value));
        }
        return new TemplateRenderer(_normalizedSource.EndsWith('\n') ? _normalizedSource[..^1] : _normalizedSource).Render(_nodes, scope);
    }
}
