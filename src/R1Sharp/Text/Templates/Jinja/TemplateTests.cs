namespace R1Sharp.Text.Templates.Jinja;

/// <summary>The <c>is</c> tests of Jinja that chat templates use.</summary>
internal static class TemplateTests
{
    public static bool Apply(TemplateRenderer renderer, string name, object? value, IReadOnlyList<object?> args, int offset)
    {
        object? Arg(int i) => i < args.Count ? args[i] : throw renderer.Error(offset, $"test '{name}' needs {i + 1} argument(s)");
        return name switch
        {
            "defined" => value is not Undefined,
            "undefined" => value is Undefined,
            "none" => value is null,
            "string" => value is string,
            "mapping" => value is Dictionary<string, object?> or Namespace,
            "iterable" => value is string or List<object?> or Dictionary<string, object?>,
            "sequence" => value is string or List<object?> or Dictionary<string, object?>,
            "number" => value is long or double or bool,
            "integer" => value is long,
            "float" => value is double,
            "boolean" => value is bool,
            "true" => value is true,
            "false" => value is false,
            "callable" => value is Callable,
            "odd" => value is long l && Math.Abs(l % 2) == 1,
            "even" => value is long e && e % 2 == 0,
            "divisibleby" => value is long d && Arg(0) is long by && by != 0 && d % by == 0,
            "lower" => value is string s && s == s.ToLowerInvariant(),
            "upper" => value is string u && u == u.ToUpperInvariant(),
            "eq" or "equalto" or "==" => PythonValues.Equals(value, Arg(0)),
            "ne" or "!=" => !PythonValues.Equals(value, Arg(0)),
            "lt" or "lessthan" or "<" => PythonValues.Compare(value, Arg(0), m => renderer.Error(offset, m)) < 0,
            "le" or "<=" => PythonValues.Compare(value, Arg(0), m => renderer.Error(offset, m)) <= 0,
            "gt" or "greaterthan" or ">" => PythonValues.Compare(value, Arg(0), m => renderer.Error(offset, m)) > 0,
            "ge" or ">=" => PythonValues.Compare(value, Arg(0), m => renderer.Error(offset, m)) >= 0,
            "in" => renderer.Contains(Arg(0), value, offset),
            "sameas" => ReferenceEquals(value, Arg(0)) || (value is null && Arg(0) is null) || (value is bool b1 && Arg(0) is bool b2 && b1 == b2),
            _ => throw renderer.Error(offset, $"unsupported test '{name}'"),
        };
    }
}
