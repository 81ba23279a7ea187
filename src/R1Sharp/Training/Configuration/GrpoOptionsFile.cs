using System.Text.Json;
using R1Sharp.IO;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace R1Sharp.Training.Configuration;

/// <summary>
/// Reads and writes <see cref="GrpoOptions"/> as JSON or YAML with TRL-style snake_case keys, applies
/// <c>key=value</c> overrides from the command line, and rejects unknown keys and bad values by name.
/// </summary>
public static class GrpoOptionsFile
{
    /// <summary>The JSON settings used for config files: snake_case names and enum values, unknown keys rejected.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    // The two names that differ from the property names (TRL calls ε_low just "epsilon").
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["epsilon"] = "epsilon_low",
    };

    /// <summary>Loads options: defaults, then the file (when given), then overrides, then validation.</summary>
    /// <param name="path">A .json, .yaml or .yml file, or null for defaults.</param>
    /// <param name="overrides"><c>key=value</c> pairs (value as JSON, or a bare string).</param>
    /// <param name="defaults">Starting values (e.g. a preset), or null for <see cref="GrpoOptions"/>' own defaults.</param>
    /// <param name="cancellationToken">Cancels file reading.</param>
    public static async Task<GrpoOptions> LoadAsync(string? path, IEnumerable<string>? overrides = null, GrpoOptions? defaults = null, CancellationToken cancellationToken = default)
    {
        var settings = new JsonObject();
        string source = "defaults";
        if (path is not null)
        {
            string text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            foreach (var (key, value) in IsYaml(path) ? YamlToJson(text, path) : ParseJson(text, path))
                settings[Canonical(key, path)] = value?.DeepClone();
            source = path;
        }
        foreach (var pair in overrides ?? [])
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new ConfigurationException($"Override '{pair}' is not key=value.");
            string key = Canonical(pair[..eq].Trim(), "command line");
            string raw = pair[(eq + 1)..].Trim();
            settings[key] = TryParseJsonValue(raw) ?? JsonValue.Create(raw);
            source = path is null ? "command line" : $"{path} + command line";
        }
        return FromSettings(settings, defaults ?? new GrpoOptions(), source);
    }

    /// <summary>
    /// Applies snake_case settings (a parsed file, or a block of another run's settings file such as r1 zero's
    /// <c>grpo</c>) over <paramref name="defaults"/>, with the same aliases, unknown-key check and validation as
    /// <see cref="LoadAsync"/>: every trainer reads GRPO options through this one path.
    /// </summary>
    /// <param name="settings">Option name (TRL's, or an alias) to JSON value.</param>
    /// <param name="defaults">Starting values.</param>
    /// <param name="source">Where the settings came from, for messages (a file, "command line").</param>
    /// <exception cref="ConfigurationException">An unknown option, a bad value or an invalid combination, named.</exception>
    public static GrpoOptions FromSettings(JsonObject settings, GrpoOptions defaults, string source)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var node = JsonSerializer.SerializeToNode(defaults, JsonOptions)!.AsObject();
        foreach (var (key, value) in settings)
            node[Canonical(key, source)] = value?.DeepClone();
        GrpoOptions options;
        try
        {
            options = node.Deserialize<GrpoOptions>(JsonOptions) ?? throw new ConfigurationException($"{source}: empty configuration.");
        }
        catch (JsonException e)
        {
            string option = e.Path is { Length: > 2 } p ? p[2..] : "(root)";
            throw new ConfigurationException($"{source}: option '{option}' has a bad value: {FirstSentence(e.Message)}", e);
        }
        GrpoOptionsValidator.ThrowIfInvalid(options, source);
        return options;
    }

    /// <summary>Writes the effective options as indented JSON, atomically (temp file then rename).</summary>
    public static async Task SaveAsync(GrpoOptions options, string path, CancellationToken cancellationToken = default)
    {
        await AtomicFile.WriteAllTextAsync(path, JsonSerializer.Serialize(options, JsonOptions), cancellationToken).ConfigureAwait(false);
    }

    private static bool IsYaml(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    private static string Canonical(string key, string source)
    {
        key = Aliases.GetValueOrDefault(key, key);
        if (typeof(GrpoOptions).GetProperties().All(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name) != key))
            throw new ConfigurationException($"{source}: unknown option '{key}'.");
        return key;
    }

    private static JsonObject ParseJson(string text, string path)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new ConfigurationException($"{path}: the top level must be an object of options.");
        }
        catch (JsonException e)
        {
            throw new ConfigurationException($"{path}: not valid JSON at line {e.LineNumber + 1}: {FirstSentence(e.Message)}", e);
        }
    }

    private static JsonObject YamlToJson(string text, string path)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlException e) { throw new ConfigurationException($"{path}: not valid YAML at line {e.Start.Line}: {e.Message}", e); }
        if (stream.Documents.Count == 0) return [];
        if (stream.Documents[0].RootNode is not YamlMappingNode map)
            throw new ConfigurationException($"{path}: the top level must be a mapping of options.");
        var result = new JsonObject();
        foreach (var (key, value) in map.Children)
        {
            string name = ((YamlScalarNode)key).Value ?? "";
            result[name] = ConvertYaml(value, path, name);
        }
        return result;
    }

    private static JsonNode? ConvertYaml(YamlNode node, string path, string name) => node switch
    {
        YamlScalarNode s when s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted => JsonValue.Create(s.Value),
        YamlScalarNode s => TryParseJsonValue(s.Value ?? "") ?? JsonValue.Create(s.Value),
        YamlMappingNode m => new JsonObject(m.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", ConvertYaml(c.Value, path, name)))),
        YamlSequenceNode q => new JsonArray(q.Children.Select(c => ConvertYaml(c, path, name)).ToArray()),
        _ => throw new ConfigurationException($"{path} line {node.Start.Line}: option '{name}' has an unsupported YAML value."),
    };

    // Numbers and booleans are typed; YAML's "yes"/"no" are deliberately not booleans (the YAML 1.1 trap).
    private static JsonNode? TryParseJsonValue(string raw)
    {
        if (raw is "true" or "false" || raw.Length > 0 && (char.IsAsciiDigit(raw[0]) || raw[0] is '-' or '.' or '{' or '[' or '"'))
        {
            try { return JsonNode.Parse(raw); }
            catch (JsonException) { return null; }
        }
        return raw == "null" ? null : default;
    }

    private static string FirstSentence(string message)
    {
        int dot = message.IndexOf(". ", StringComparison.Ordinal);
        return dot > 0 ? message[..(dot + 1)] : message;
    }
}
