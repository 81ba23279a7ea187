using System.Globalization;

namespace R1Sharp.Rewards.Composition;

/// <summary>
/// One reward as written in a command line or config file: a registered name, its weight, and its options.
/// Text form: <c>name[(key=value;key=value)][:weight]</c>, several separated by commas, e.g.
/// <c>format(mode=think_only):0.5,accuracy:1,repetition(ngram_size=4):0.2</c>.
/// </summary>
/// <param name="Name">Registered reward name (case-insensitive), e.g. <c>format</c>.</param>
/// <param name="Weight">Weight in the total. Default 1.</param>
/// <param name="Options">Options by key (snake_case; '-' and '_' are interchangeable, case is ignored). Default none.</param>
public sealed record RewardSpec(string Name, double Weight = 1.0, IReadOnlyDictionary<string, string>? Options = null)
{
    /// <summary>True when the text gave the weight (<c>name:weight</c>); false when it is the default 1.</summary>
    public bool HasWeight { get; init; }

    /// <summary>The options, never null.</summary>
    public IReadOnlyDictionary<string, string> OptionValues => Options ?? new Dictionary<string, string>();

    /// <summary>Parses a comma-separated list of specs.</summary>
    /// <exception cref="RewardConfigurationException">The text is empty or a part is malformed; the message quotes that part.</exception>
    public static IReadOnlyList<RewardSpec> ParseList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<string> items = SplitTopLevel(text, ',', text);
        var specs = new List<RewardSpec>(items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(items[i]))
                throw new RewardConfigurationException(
                    $"Reward list '{text}': item {i + 1} is empty (expected name[(key=value;...)][:weight]).");
            specs.Add(Parse(items[i]));
        }
        return specs;
    }

    /// <summary>Parses one spec, <c>name[(key=value;key=value)][:weight]</c>.</summary>
    /// <exception cref="RewardConfigurationException">The spec is malformed; the message quotes it and says what was wrong.</exception>
    public static RewardSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string spec = text.Trim();
        string head = spec, weightText = "";
        int close = spec.LastIndexOf(')');
        int colon = spec.IndexOf(':', close + 1);
        if (colon >= 0)
        {
            head = spec[..colon].Trim();
            weightText = spec[(colon + 1)..].Trim();
        }

        double weight = 1.0;
        if (colon >= 0 && !double.TryParse(weightText, NumberStyles.Float, CultureInfo.InvariantCulture, out weight))
            throw Malformed(spec, $"weight '{weightText}' is not a number");
        if (!double.IsFinite(weight)) throw Malformed(spec, $"weight '{weightText}' is not finite");

        string name = head;
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        int open = head.IndexOf('(');
        if (open >= 0)
        {
            if (!head.EndsWith(')')) throw Malformed(spec, "'(' without a closing ')' at the end of the options");
            name = head[..open].Trim();
            ParseOptions(head[(open + 1)..^1], spec, options);
        }
        else if (head.Contains(')'))
        {
            throw Malformed(spec, "')' without '('");
        }
        if (name.Length == 0) throw Malformed(spec, "the reward name is missing");
        foreach (char c in name)
            if (!IsNameChar(c))
                throw Malformed(spec, $"reward name '{name}' holds '{c}' (use letters, digits, '_', '-' or '.')");
        return new RewardSpec(name, weight, options) { HasWeight = colon >= 0 };
    }

    /// <summary>The spec in text form, parseable by <see cref="Parse"/>.</summary>
    public override string ToString()
    {
        string options = OptionValues.Count == 0 ? "" : "(" + string.Join(";", OptionValues.Select(kv => $"{kv.Key}={kv.Value}")) + ")";
        return $"{Name}{options}:{Weight.ToString("R", CultureInfo.InvariantCulture)}";
    }

    /// <summary>True when <paramref name="name"/> can be a reward name: non-empty; ASCII letters, digits, '_', '-' or '.'.</summary>
    public static bool IsValidName(string name) => !string.IsNullOrEmpty(name) && name.All(IsNameChar);

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';

    /// <summary>Canonical form of an option key: lower case, '-' as '_'.</summary>
    public static string NormalizeKey(string key) => key.Trim().ToLowerInvariant().Replace('-', '_');

    private static void ParseOptions(string body, string spec, Dictionary<string, string> options)
    {
        if (string.IsNullOrWhiteSpace(body)) return;
        foreach (string pair in body.Split([';', ',']))
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0) throw Malformed(spec, $"option '{pair.Trim()}' is not key=value");
            string key = NormalizeKey(pair[..eq]);
            string value = pair[(eq + 1)..].Trim();
            if (key.Length == 0) throw Malformed(spec, $"option '{pair.Trim()}' has no key");
            if (!options.TryAdd(key, value)) throw Malformed(spec, $"option '{key}' is given twice");
        }
    }

    // Splits on separators outside parentheses, so options may themselves use commas.
    private static List<string> SplitTopLevel(string text, char separator, string whole)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')' && --depth < 0)
                throw new RewardConfigurationException($"Reward list '{whole}': ')' at position {i + 1} has no matching '('.");
            else if (text[i] == separator && depth == 0)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }
        if (depth != 0) throw new RewardConfigurationException($"Reward list '{whole}': a '(' is never closed.");
        parts.Add(text[start..]);
        return parts;
    }

    private static RewardConfigurationException Malformed(string spec, string what) =>
        new($"Reward spec '{spec}': {what}. Expected name[(key=value;...)][:weight], e.g. format(mode=strict):0.5.");
}
