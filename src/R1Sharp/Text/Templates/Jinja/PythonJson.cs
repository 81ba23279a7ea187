using System.Text;

namespace R1Sharp.Text.Templates.Jinja;

/// <summary>
/// <c>json.dumps</c> as transformers' <c>tojson</c> filter calls it: ensure_ascii=False, separators ", " and ": "
/// (or "," and newline+indent with <c>indent</c>), optional sort_keys. No HTML escaping (unlike jinja2's own tojson).
/// </summary>
internal static class PythonJson
{
    public static string Dumps(object? value, int? indent, bool sortKeys, string? itemSeparator = null, string? keySeparator = null)
    {
        var builder = new StringBuilder();
        string items = itemSeparator ?? (indent is null ? ", " : ",");
        string keys = keySeparator ?? ": ";
        Write(builder, value, indent, sortKeys, items, keys, 0);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, object? value, int? indent, bool sortKeys, string items, string keys, int depth)
    {
        switch (value)
        {
            case null:
                builder.Append("null");
                break;
            case Undefined:
                throw new InvalidOperationException("Object of type Undefined is not JSON serializable");
            case bool b:
                builder.Append(b ? "true" : "false");
                break;
            case long or double:
                builder.Append(value is double d && (double.IsNaN(d) || double.IsInfinity(d))
                    ? (double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity")
                    : PythonValues.Str(value));
                break;
            case string s:
                WriteString(builder, s);
                break;
            case List<object?> list:
                WriteContainer(builder, '[', ']', list.Count, indent, items, depth, i => Write(builder, list[i], indent, sortKeys, items, keys, depth + 1));
                break;
            case Dictionary<string, object?> dict:
                var pairs = sortKeys ? dict.OrderBy(p => p.Key, StringComparer.Ordinal).ToList() : dict.ToList();
                WriteContainer(builder, '{', '}', pairs.Count, indent, items, depth, i =>
                {
                    WriteString(builder, pairs[i].Key);
                    builder.Append(keys);
                    Write(builder, pairs[i].Value, indent, sortKeys, items, keys, depth + 1);
                });
                break;
            case Namespace ns:
                Write(builder, ns.Attributes, indent, sortKeys, items, keys, depth);
                break;
            default:
                throw new InvalidOperationException($"Object of type {PythonValues.TypeName(value)} is not JSON serializable");
        }
    }

    private static void WriteContainer(StringBuilder builder, char open, char close, int count, int? indent, string items, int depth, Action<int> writeItem)
    {
        builder.Append(open);
        if (count == 0)
        {
            builder.Append(close);
            return;
        }
        for (int i = 0; i < count; i++)
        {
            if (i > 0) builder.Append(items);
            if (indent is int n) builder.Append('\n').Append(' ', n * (depth + 1));
            writeItem(i);
        }
        if (indent is int m) builder.Append('\n').Append(' ', m * depth);
        builder.Append(close);
    }

    private static void WriteString(StringBuilder builder, string s)
    {
        builder.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (c < 0x20) builder.Append($"\\u{(int)c:x4}");
                    else builder.Append(c);
                    break;
            }
        }
        builder.Append('"');
    }
}
