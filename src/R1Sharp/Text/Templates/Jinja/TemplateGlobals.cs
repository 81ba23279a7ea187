namespace R1Sharp.Text.Templates.Jinja;

/// <summary>Functions every template sees: range, namespace, dict (jinja2) and raise_exception (transformers).</summary>
internal static class TemplateGlobals
{
    public static Scope Create()
    {
        var scope = new Scope(null);
        scope.Set("range", new Callable("range", (args, _) => Range(args)));
        scope.Set("namespace", new Callable("namespace", (args, kwargs) =>
        {
            var ns = new Namespace();
            if (args.Count > 0 && args[0] is Dictionary<string, object?> initial)
                foreach (var (k, v) in initial) ns.Attributes[k] = v;
            foreach (var (k, v) in kwargs) ns.Attributes[k] = v;
            return ns;
        }));
        scope.Set("dict", new Callable("dict", (_, kwargs) => new Dictionary<string, object?>(kwargs, StringComparer.Ordinal)));
        scope.Set("raise_exception", new Callable("raise_exception", (args, _) =>
            throw new InvalidOperationException(args.Count > 0 ? PythonValues.Str(args[0]) : "raise_exception called")));
        return scope;
    }

    private static List<object?> Range(IReadOnlyList<object?> args)
    {
        long[] n = args.Select(a => a is long l ? l : throw new ArgumentException("range() arguments must be integers")).ToArray();
        var (start, stop, step) = n.Length switch
        {
            1 => (0L, n[0], 1L),
            2 => (n[0], n[1], 1L),
            3 => (n[0], n[1], n[2]),
            _ => throw new ArgumentException("range() takes 1 to 3 arguments"),
        };
        if (step == 0) throw new ArgumentException("range() step must not be zero");
        if (Math.Abs((stop - start) / step) > 1_000_000) throw new ArgumentException("range() is too large for a template");
        var result = new List<object?>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) result.Add(i);
        return result;
    }
}
