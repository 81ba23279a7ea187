using System.Globalization;
using System.Net;
using System.Text;

namespace R1Sharp.Text.Templates.Jinja;

/// <summary>The Jinja filters chat templates use, with jinja2's semantics (and transformers' <c>tojson</c>).</summary>
internal static class TemplateFilters
{
    public static object? Apply(TemplateRenderer renderer, string name, object? value, IReadOnlyList<object?> args,
        IReadOnlyDictionary<string, object?> kwargs, int offset)
    {
        object? Arg(int i, string keyword, object? fallback = null) =>
            i >= 0 && i < args.Count ? args[i] : kwargs.TryGetValue(keyword, out var v) ? v : fallback;
        IEnumerable<object?> Items() => renderer.Iterate(value, offset);
        string Text() => value is Undefined ? "" : PythonValues.Str(value);

        switch (name)
        {
            case "trim":
                return Arg(0, "chars") is string chars ? Text().Trim(chars.ToCharArray()) : Text().Trim();
            case "tojson":
                try
                {
                    return PythonJson.Dumps(value, Arg(0, "indent") is long indent ? (int)indent : null, PythonValues.IsTruthy(Arg(-1, "sort_keys")));
                }
                catch (InvalidOperationException e)
                {
                    throw renderer.Error(offset, "tojson: " + e.Message);
                }
            case "length" or "count":
                return value switch
                {
                    string s => (long)s.EnumerateRunes().Count(),
                    List<object?> l => (long)l.Count,
                    Dictionary<string, object?> d => (long)d.Count,
                    Undefined => 0L,
                    _ => throw renderer.Error(offset, $"object of type '{PythonValues.TypeName(value)}' has no len()"),
                };
            case "default" or "d":
                bool boolean = PythonValues.IsTruthy(Arg(1, "boolean", false));
                return value is Undefined || (boolean && !PythonValues.IsTruthy(value)) ? Arg(0, "default_value", "") : value;
            case "upper":
                return Text().ToUpperInvariant();
            case "lower":
                return Text().ToLowerInvariant();
            case "capitalize":
                string t = Text();
                return t.Length == 0 ? t : t[..1].ToUpperInvariant() + t[1..].ToLowerInvariant();
            case "title":
                return Title(Text());
            case "string":
                return Text();
            case "safe":
                return value;
            case "e" or "escape":
                return WebUtility.HtmlEncode(Text()).Replace("&#39;", "&#39;");
            case "join":
                string separator = Arg(0, "d", "") as string ?? "";
                var joined = Arg(1, "attribute") is string attribute ? Items().Select(i => renderer.GetAttribute(i, attribute, offset)) : Items();
                return string.Join(separator, joined.Select(PythonValues.Str));
            case "list":
                return Items().ToList();
            case "first":
                return Items().Cast<object?>().DefaultIfEmpty(new Undefined("No first item, sequence was empty.")).First();
            case "last":
                return Items().Cast<object?>().DefaultIfEmpty(new Undefined("No last item, sequence was empty.")).Last();
            case "reverse":
                return value is string rs ? string.Concat(rs.EnumerateRunes().Reverse().Select(r => r.ToString())) : Items().Reverse().ToList();
            case "items":
                if (value is Undefined) return new List<object?>();
                if (value is not Dictionary<string, object?> dict) throw renderer.Error(offset, "items filter needs a mapping");
                return dict.Select(p => (object?)new PythonTuple([p.Key, p.Value])).ToList();
            case "int":
                return ToInt(value, Arg(0, "default", 0L));
            case "float":
                return value switch
                {
                    double d => d,
                    long l => (double)l,
                    bool b => b ? 1.0 : 0.0,
                    string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) => f,
                    _ => Arg(0, "default", 0.0),
                };
            case "abs":
                return value switch { long l => (object)Math.Abs(l), double d => Math.Abs(d), _ => throw renderer.Error(offset, "abs needs a number") };
            case "round":
                int precision = Arg(0, "precision", 0L) is long p ? (int)p : 0;
                string method = Arg(1, "method", "common") as string ?? "common";
                double x = PythonValues.ToDouble(value) * Math.Pow(10, precision);
                x = method switch { "ceil" => Math.Ceiling(x), "floor" => Math.Floor(x), _ => Math.Round(x, MidpointRounding.ToEven) };
                return x / Math.Pow(10, precision);
            case "replace":
                string old = Arg(0, "old") as string ?? "", replacement = Arg(1, "new") as string ?? "";
                return old.Length == 0 ? Text() : Text().Replace(old, replacement, StringComparison.Ordinal);
            case "unique":
                var unique = new List<object?>();
                foreach (var item in Items()) if (!unique.Any(u => PythonValues.Equals(u, item))) unique.Add(item);
                return unique;
            case "sum":
                object? total = Arg(1, "start", 0L);
                foreach (var item in Items())
                {
                    var term = Arg(0, "attribute") is string sumAttr ? renderer.GetAttribute(item, sumAttr, offset) : item;
                    total = total is long a && term is long b ? (object)(a + b) : PythonValues.ToDouble(total) + PythonValues.ToDouble(term);
                }
                return total;
            case "min" or "max":
                var ordered = Items().ToList();
                if (ordered.Count == 0) return new Undefined($"{name} of an empty sequence");
                ordered.Sort((a, b) => PythonValues.Compare(a, b, m => renderer.Error(offset, m)));
                return name == "min" ? ordered[0] : ordered[^1];
            case "sort":
                var sorted = Items().ToList();
                string? sortAttribute = Arg(2, "attribute") as string;
                object? Key(object? item) => sortAttribute is null ? item : renderer.GetAttribute(item, sortAttribute, offset);
                var keyed = sorted.Select((item, index) => (item, key: Key(item), index)).ToList();
                keyed.Sort((a, b) =>
                {
                    int c = PythonValues.Compare(a.key, b.key, m => renderer.Error(offset, m));
                    return c != 0 ? c : a.index.CompareTo(b.index);
                });
                if (PythonValues.IsTruthy(Arg(0, "reverse", false))) keyed.Reverse();
                return keyed.Select(k => k.item).ToList();
            case "selectattr" or "rejectattr":
                return FilterBy(renderer, Items(), args, kwargs, offset, byAttribute: true, keep: name == "selectattr");
            case "select" or "reject":
                return FilterBy(renderer, Items(), args, kwargs, offset, byAttribute: false, keep: name == "select");
            case "map":
                if (Arg(-1, "attribute") is string mapAttribute)
                    return Items().Select(i => renderer.GetAttribute(i, mapAttribute, offset) is Undefined && kwargs.TryGetValue("default", out var dv) ? dv : renderer.GetAttribute(i, mapAttribute, offset)).ToList();
                if (args.Count > 0 && args[0] is string filterName)
                    return Items().Select(i => Apply(renderer, filterName, i, args.Skip(1).ToList(), new Dictionary<string, object?>(), offset)).ToList();
                throw renderer.Error(offset, "map needs attribute=... or a filter name");
            case "indent":
                int width = Arg(0, "width", 4L) is long w ? (int)w : 4;
                bool first = PythonValues.IsTruthy(Arg(1, "first", false)), blank = PythonValues.IsTruthy(Arg(2, "blank", false));
                return Indent(Text(), width, first, blank);
            case "wordcount":
                return (long)Text().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
            case "center":
                int centerWidth = Arg(0, "width", 80L) is long cw ? (int)cw : 80;
                string ct = Text();
                int pad = Math.Max(0, centerWidth - ct.Length);
                return new string(' ', pad / 2 + (pad % 2 == 1 && centerWidth % 2 == 1 ? 1 : 0)) + ct + new string(' ', pad - pad / 2 - (pad % 2 == 1 && centerWidth % 2 == 1 ? 1 : 0));
            default:
                throw renderer.Error(offset, $"unsupported filter '{name}'");
        }
    }

    internal static string Title(string text)
    {
        var builder = new StringBuilder(text.Length);
        bool startOfWord = true;
        foreach (char c in text)
        {
            builder.Append(startOfWord ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            startOfWord = !char.IsLetterOrDigit(c) && c != '\'';
        }
        return builder.ToString();
    }

    private static object? ToInt(object? value, object? fallback) => value switch
    {
        long l => l,
        bool b => b ? 1L : 0L,
        double d => (long)Math.Truncate(d),
        string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed) => parsed,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double f) => (long)Math.Truncate(f),
        _ => fallback,
    };

    private static List<object?> FilterBy(TemplateRenderer renderer, IEnumerable<object?> items, IReadOnlyList<object?> args,
        IReadOnlyDictionary<string, object?> kwargs, int offset, bool byAttribute, bool keep)
    {
        int next = 0;
        string? attribute = null;
        if (byAttribute)
        {
            attribute = args.Count > 0 ? args[0] as string : null;
            if (attribute is null) throw renderer.Error(offset, "selectattr/rejectattr need an attribute name");
            next = 1;
        }
        string? test = args.Count > next ? args[next] as string : null;
        var testArgs = args.Skip(next + 1).ToList();
        var result = new List<object?>();
        foreach (var item in items)
        {
            var subject = attribute is null ? item : ReadPath(renderer, item, attribute, offset);
            bool passed = test is null ? PythonValues.IsTruthy(subject) : TemplateTests.Apply(renderer, test, subject, testArgs, offset);
            if (passed == keep) result.Add(item);
        }
        _ = kwargs;
        return result;
    }

    // selectattr('function.name') follows dotted paths, as jinja2's make_attrgetter does.
    private static object? ReadPath(TemplateRenderer renderer, object? item, string path, int offset)
    {
        foreach (string part in path.Split('.'))
        {
            if (item is Undefined) return item;
            item = renderer.GetAttribute(item, part, offset);
        }
        return item;
    }

    private static string Indent(string text, int width, bool first, bool blank)
    {
        string prefix = new(' ', width);
        var lines = text.Split('\n');
        var builder = new StringBuilder();
        for (int i = 0; i < lines.Length; i++)
        {
            if (i > 0) builder.Append('\n');
            bool indent = (i > 0 || first) && (blank || lines[i].Trim().Length > 0);
            if (indent) builder.Append(prefix);
            builder.Append(lines[i]);
        }
        return builder.ToString();
    }
}
