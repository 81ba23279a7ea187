using System.Globalization;
using System.Text;

namespace R1Sharp.Rewards.Composition;

/// <summary>
/// Typed access to one reward's options inside a <see cref="RewardRegistry"/> factory. Keys are snake_case and
/// case-insensitive ('-' equals '_'). Every key a factory reads is remembered, so that after the factory runs the
/// registry can reject keys nobody read ("unknown option") and list the ones that exist.
/// </summary>
public sealed class RewardOptionReader
{
    private const int MaxNesting = 8;
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private readonly RewardRegistry _registry;
    private readonly int _depth;

    internal RewardOptionReader(string rewardName, IReadOnlyDictionary<string, string> values, RewardRegistry registry, int depth)
    {
        RewardName = rewardName;
        _registry = registry;
        _depth = depth;
        _values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            string normalized = RewardSpec.NormalizeKey(key);
            if (!_values.TryAdd(normalized, value))
                throw new RewardConfigurationException($"Reward '{rewardName}': option '{normalized}' is given twice.");
        }
    }

    /// <summary>The reward being created.</summary>
    public string RewardName { get; }

    /// <summary>The keys read so far, in snake_case.</summary>
    public IReadOnlyCollection<string> KeysRead => _read;

    /// <summary>A string option, or <paramref name="defaultValue"/> when absent.</summary>
    public string? GetString(string key, string? defaultValue = null) =>
        TryGet(key, out string raw) ? raw : defaultValue;

    /// <summary>A number (invariant culture, finite).</summary>
    /// <exception cref="RewardConfigurationException">The value is not a finite number.</exception>
    public double GetDouble(string key, double defaultValue) => GetNullableDouble(key) ?? defaultValue;

    /// <summary>A number, or null when absent or written as <c>none</c>/<c>null</c>.</summary>
    /// <exception cref="RewardConfigurationException">The value is not a finite number.</exception>
    public double? GetNullableDouble(string key)
    {
        if (!TryGet(key, out string raw) || raw.Equals("none", StringComparison.OrdinalIgnoreCase) || raw.Equals("null", StringComparison.OrdinalIgnoreCase))
            return null;
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw Invalid(key, raw, "a finite number");
        return value;
    }

    /// <summary>A whole number.</summary>
    /// <exception cref="RewardConfigurationException">The value is not an integer.</exception>
    public int GetInt32(string key, int defaultValue)
    {
        if (!TryGet(key, out string raw)) return defaultValue;
        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            throw Invalid(key, raw, "a whole number");
        return value;
    }

    /// <summary>A boolean: true/false, yes/no, 1/0.</summary>
    /// <exception cref="RewardConfigurationException">The value is not a boolean.</exception>
    public bool GetBoolean(string key, bool defaultValue)
    {
        if (!TryGet(key, out string raw)) return defaultValue;
        return raw.ToLowerInvariant() switch
        {
            "true" or "yes" or "1" => true,
            "false" or "no" or "0" => false,
            _ => throw Invalid(key, raw, "true or false"),
        };
    }

    /// <summary>An enum member written in snake_case (<c>think_only</c>) or as its C# name (<c>ThinkOnly</c>).</summary>
    /// <exception cref="RewardConfigurationException">The value names no member; the message lists them.</exception>
    public TEnum GetEnum<TEnum>(string key, TEnum defaultValue) where TEnum : struct, Enum
    {
        if (!TryGet(key, out string raw)) return defaultValue;
        string wanted = raw.Replace("_", "").Replace("-", "");
        foreach (TEnum member in Enum.GetValues<TEnum>())
            if (string.Equals(member.ToString(), wanted, StringComparison.OrdinalIgnoreCase)) return member;
        throw Invalid(key, raw, "one of " + string.Join(", ", Enum.GetValues<TEnum>().Select(m => SnakeCase(m.ToString()))));
    }

    /// <summary>
    /// Creates another registered reward named by option <paramref name="key"/> (default <paramref name="defaultName"/>),
    /// with its default options: how <c>cosine</c> finds the reward that decides correctness.
    /// </summary>
    /// <exception cref="RewardConfigurationException">The name is unknown, or rewards nest too deeply.</exception>
    public IRewardFunction CreateReward(string key, string defaultName)
    {
        string name = GetString(key, defaultName)!;
        if (_depth >= MaxNesting)
            throw new RewardConfigurationException($"Reward '{RewardName}': rewards nest more than {MaxNesting} deep (option '{key}' = '{name}').");
        try
        {
            return _registry.Create(new RewardSpec(name), _depth + 1);
        }
        catch (RewardConfigurationException e)
        {
            throw new RewardConfigurationException($"Reward '{RewardName}', option '{RewardSpec.NormalizeKey(key)}': {e.Message}", e);
        }
    }

    /// <summary>Keys given but never read.</summary>
    internal IEnumerable<string> UnreadKeys => _values.Keys.Where(k => !_read.Contains(k));

    /// <summary>snake_case of a PascalCase name: ThinkOnly -> think_only.</summary>
    internal static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }

    private bool TryGet(string key, out string raw)
    {
        string normalized = RewardSpec.NormalizeKey(key);
        _read.Add(normalized);
        if (_values.TryGetValue(normalized, out string? value))
        {
            raw = value.Trim();
            return true;
        }
        raw = "";
        return false;
    }

    private RewardConfigurationException Invalid(string key, string raw, string expected) =>
        new($"Reward '{RewardName}': option '{RewardSpec.NormalizeKey(key)}' = '{raw}' is not {expected}.");
}
