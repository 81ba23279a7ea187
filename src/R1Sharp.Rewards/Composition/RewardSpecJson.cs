using System.Globalization;
using System.Text.Json;

namespace R1Sharp.Rewards.Composition;

/// <summary>
/// Reads reward specs from a JSON config value (or YAML turned into JSON), in any of these shapes:
/// a spec string <c>"format:0.5,accuracy:1"</c>; an array of spec strings; an array of objects
/// <c>{"name": "format", "weight": 0.5, "options": {"mode": "strict"}}</c>; or an object mapping names to weights
/// <c>{"format": 0.5, "accuracy": 1}</c> (TRL's <c>reward_funcs</c> + <c>reward_weights</c> in one place).
/// </summary>
public static class RewardSpecJson
{
    /// <summary>Parses the specs in <paramref name="value"/>.</summary>
    /// <param name="value">The config value.</param>
    /// <param name="path">Where the value sits in the config (e.g. <c>rewards</c>), used in error messages.</param>
    /// <exception cref="RewardConfigurationException">The value has another shape; the message names the path of the bad part.</exception>
    public static IReadOnlyList<RewardSpec> Parse(JsonElement value, string path = "rewards")
    {
        ArgumentNullException.ThrowIfNull(path);
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return WithPath(path, () => RewardSpec.ParseList(value.GetString()!));
            case JsonValueKind.Array:
                var specs = new List<RewardSpec>();
                int index = 0;
                foreach (JsonElement item in value.EnumerateArray())
                {
                    string itemPath = $"{path}[{index++}]";
                    if (item.ValueKind == JsonValueKind.String) specs.AddRange(WithPath(itemPath, () => RewardSpec.ParseList(item.GetString()!)));
                    else if (item.ValueKind == JsonValueKind.Object) specs.Add(FromObject(item, itemPath));
                    else throw new RewardConfigurationException($"{itemPath}: expected a spec string or an object with name, weight and options, got {Kind(item)}.");
                }
                if (specs.Count == 0) throw new RewardConfigurationException($"{path}: the list is empty; at least one reward is needed.");
                return specs;
            case JsonValueKind.Object:
                var weighted = new List<RewardSpec>();
                foreach (JsonProperty property in value.EnumerateObject())
                {
                    string name = property.Name;
                    if (!RewardSpec.IsValidName(name))
                        throw new RewardConfigurationException($"{path}.{name}: '{name}' is not a reward name (letters, digits, '_', '-' or '.').");
                    weighted.Add(new RewardSpec(name, Weight(property.Value, $"{path}.{name}")));
                }
                if (weighted.Count == 0) throw new RewardConfigurationException($"{path}: the object is empty; at least one reward is needed.");
                return weighted;
            default:
                throw new RewardConfigurationException($"{path}: expected a spec string, a list or an object of name: weight, got {Kind(value)}.");
        }
    }

    private static RewardSpec FromObject(JsonElement item, string path)
    {
        string? name = null;
        double weight = 1.0;
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty property in item.EnumerateObject())
        {
            switch (property.Name)
            {
                case "name":
                    if (property.Value.ValueKind != JsonValueKind.String || !RewardSpec.IsValidName(property.Value.GetString()!))
                        throw new RewardConfigurationException($"{path}.name: expected a reward name (letters, digits, '_', '-' or '.'), got {Kind(property.Value)}.");
                    name = property.Value.GetString();
                    break;
                case "weight":
                    weight = Weight(property.Value, $"{path}.weight");
                    break;
                case "options":
                    if (property.Value.ValueKind != JsonValueKind.Object)
                        throw new RewardConfigurationException($"{path}.options: expected an object of option: value, got {Kind(property.Value)}.");
                    foreach (JsonProperty option in property.Value.EnumerateObject())
                        options[RewardSpec.NormalizeKey(option.Name)] = Scalar(option.Value, $"{path}.options.{option.Name}");
                    break;
                default:
                    throw new RewardConfigurationException($"{path}: unknown key '{property.Name}'; a reward entry has name, weight and options.");
            }
        }
        if (name is null) throw new RewardConfigurationException($"{path}: the reward entry has no name.");
        return new RewardSpec(name, weight, options);
    }

    private static double Weight(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double weight) && double.IsFinite(weight)) return weight;
        if (value.ValueKind == JsonValueKind.String
            && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out weight) && double.IsFinite(weight))
            return weight;
        throw new RewardConfigurationException($"{path}: expected a finite number as weight, got {Kind(value)}.");
    }

    private static string Scalar(JsonElement value, string path) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "none",
        _ => throw new RewardConfigurationException($"{path}: expected a string, number or boolean, got {Kind(value)}."),
    };

    private static IReadOnlyList<RewardSpec> WithPath(string path, Func<IReadOnlyList<RewardSpec>> parse)
    {
        try
        {
            return parse();
        }
        catch (RewardConfigurationException e)
        {
            throw new RewardConfigurationException($"{path}: {e.Message}", e);
        }
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        _ => "null",
    };
}
