namespace R1Sharp.Text.Templates.Jinja;

/// <summary>
/// Python methods of str, dict and list that templates call (<c>content.split('&lt;/think&gt;')</c>,
/// <c>message.get('x')</c>, <c>d.items()</c>). Mutating methods are refused, as transformers' immutable sandbox does.
/// </summary>
internal static class TemplateMethods
{
    public static bool TryCall(TemplateRenderer renderer, object? target, string name, IReadOnlyList<object?> args,
        IReadOnlyDictionary<string, object?> kwargs, int offset, out object? result)
    {
        object? Arg(int i, string keyword) => i < args.Count ? args[i] : kwargs.TryGetValue(keyword, out var v) ? v : null;
        string StrArg(int i, string keyword) => Arg(i, keyword) as string ?? throw renderer.Error(offset, $"{name}() expects a string argument");
        switch (target)
        {
            case string s:
                result = name switch
                {
                    "startswith" => Prefixes(Arg(0, "prefix")).Any(p => s.StartsWith(p, StringComparison.Ordinal)),
                    "endswith" => Prefixes(Arg(0, "suffix")).Any(p => s.EndsWith(p, StringComparison.Ordinal)),
                    "strip" => Arg(0, "chars") is string c ? s.Trim(c.ToCharArray()) : s.Trim(),
                    "lstrip" => Arg(0, "chars") is string lc ? s.TrimStart(lc.ToCharArray()) : s.TrimStart(),
                    "rstrip" => Arg(0, "chars") is string rc ? s.TrimEnd(rc.ToCharArray()) : s.TrimEnd(),
                    "split" => Split(s, Arg(0, "sep") as string, Arg(1, "maxsplit") as long? ?? -1, fromRight: false),
                    "rsplit" => Split(s, Arg(0, "sep") as string, Arg(1, "maxsplit") as long? ?? -1, fromRight: true),
                    "splitlines" => SplitLines(s),
                    "replace" => Arg(2, "count") is long count && count >= 0 ? ReplaceCount(s, StrArg(0, "old"), StrArg(1, "new"), count) : s.Replace(StrArg(0, "old"), StrArg(1, "new"), StringComparison.Ordinal),
                    "upper" => s.ToUpperInvariant(),
                    "lower" => s.ToLowerInvariant(),
                    "title" => TemplateFilters.Title(s),
                    "capitalize" => s.Length == 0 ? s : s[..1].ToUpperInvariant() + s[1..].ToLowerInvariant(),
                    "find" => (long)s.IndexOf(StrArg(0, "sub"), StringComparison.Ordinal),
                    "rfind" => (long)s.LastIndexOf(StrArg(0, "sub"), StringComparison.Ordinal),
                    "count" => (long)CountOf(s, StrArg(0, "sub")),
                    "join" => string.Join(s, renderer.Iterate(Arg(0, "iterable"), offset).Select(PythonValues.Str)),
                    "isdigit" => s.Length > 0 && s.All(char.IsDigit),
                    "isalpha" => s.Length > 0 && s.All(char.IsLetter),
                    "isspace" => s.Length > 0 && s.All(char.IsWhiteSpace),
                    "isupper" => s.Any(char.IsLetter) && s == s.ToUpperInvariant(),
                    "islower" => s.Any(char.IsLetter) && s == s.ToLowerInvariant(),
                    _ => NotAMethod,
                };
                break;
            case Dictionary<string, object?> dict:
                result = name switch
                {
                    "items" => dict.Select(p => (object?)new PythonTuple([p.Key, p.Value])).ToList(),
                    "keys" => dict.Keys.Cast<object?>().ToList(),
                    "values" => dict.Values.ToList(),
                    "get" => Arg(0, "key") is string key && dict.TryGetValue(key, out var v) ? v : Arg(1, "default"),
                    "copy" => new Dictionary<string, object?>(dict),
                    "update" or "pop" or "setdefault" or "clear" or "popitem" => throw renderer.Error(offset, $"dict.{name}() is not allowed: templates cannot modify data (immutable sandbox)"),
                    _ => NotAMethod,
                };
                break;
            case List<object?> list:
                result = name switch
                {
                    "index" => (long)list.FindIndex(x => PythonValues.Equals(x, Arg(0, "value"))),
                    "count" => (long)list.Count(x => PythonValues.Equals(x, Arg(0, "value"))),
                    "copy" => list.ToList(),
                    "append" or "extend" or "pop" or "insert" or "remove" or "clear" or "sort" or "reverse" =>
                        throw renderer.Error(offset, $"list.{name}() is not allowed: templates cannot modify data (immutable sandbox)"),
                    _ => NotAMethod,
                };
                break;
            default:
                result = null;
                return false;
        }
        if (ReferenceEquals(result, NotAMethod))
        {
            result = null;
            return false;
        }
        return true;
    }

    private static readonly object NotAMethod = new();

    private static IEnumerable<string> Prefixes(object? arg) => arg switch
    {
        string s => [s],
        List<object?> list => list.OfType<string>(),
        _ => [],
    };

    private static List<object?> Split(string s, string? separator, long maxSplit, bool fromRight)
    {
        if (separator is null)
        {
            // Python's split(): runs of whitespace, no empty parts.
            var words = s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToList();
            if (maxSplit < 0 || words.Count <= maxSplit + 1) return words.Cast<object?>().ToList();
            // Rare with maxsplit; approximate by re-joining the tail with single spaces.
            return fromRight
                ? [string.Join(' ', words.Take(words.Count - (int)maxSplit)), .. words.Skip(words.Count - (int)maxSplit)]
                : [.. words.Take((int)maxSplit), string.Join(' ', words.Skip((int)maxSplit))];
        }
        var parts = s.Split(separator, StringSplitOptions.None).ToList();
        if (maxSplit >= 0 && parts.Count > maxSplit + 1)
        {
            parts = fromRight
                ? [string.Join(separator, parts.Take(parts.Count - (int)maxSplit)), .. parts.Skip(parts.Count - (int)maxSplit)]
                : [.. parts.Take((int)maxSplit), string.Join(separator, parts.Skip((int)maxSplit))];
        }
        return parts.Cast<object?>().ToList();
    }

    private static List<object?> SplitLines(string s)
    {
        var lines = s.Split(["\r\n", "\n", "\r"], StringSplitOptions.None).ToList();
        if (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines.Cast<object?>().ToList();
    }

    private static string ReplaceCount(string s, string old, string replacement, long count)
    {
        var builder = new System.Text.StringBuilder();
        int position = 0;
        for (long n = 0; n < count; n++)
        {
            int at = old.Length == 0 ? (position <= s.Length ? position : -1) : s.IndexOf(old, position, StringComparison.Ordinal);
            if (at < 0) break;
            builder.Append(s, position, at - position).Append(replacement);
            position = at + old.Length;
            if (old.Length == 0)
            {
                if (position < s.Length) builder.Append(s[position]);
                position++;
            }
        }
        if (position < s.Length) builder.Append(s, position, s.Length - position);
        return builder.ToString();
    }

    private static int CountOf(string s, string sub)
    {
        if (sub.Length == 0) return s.Length + 1;
        int count = 0, at = 0;
        while ((at = s.IndexOf(sub, at, StringComparison.Ordinal)) >= 0)
        {
            count++;
            at += sub.Length;
        }
        return count;
    }
}
