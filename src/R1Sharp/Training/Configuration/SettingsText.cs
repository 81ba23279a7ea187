using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace R1Sharp.Training.Configuration;

/// <summary>
/// The text side of every trainer's options file: a JSON or YAML file, or a <c>key=value</c> override from the
/// command line, read into JSON nodes with snake_case keys untouched. Which keys exist and what they mean is the
/// business of <see cref="OptionsSchema{TOptions}"/>.
/// </summary>
public static class SettingsText
{
    /// <summary>Reads a .json, .yaml or .yml file whose top level is a mapping of options.</summary>
    /// <exception cref="ConfigurationException">The file is not valid JSON/YAML or its top level is not a mapping (the message names file and line).</exception>
    public static async Task<JsonObject> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return IsYaml(path) ? YamlToJson(text, path) : ParseJson(text, path);
    }

    /// <summary>Splits a <c>key=value</c> override; the value is JSON when it parses as a number, boolean, list, object or quoted string, else the bare text.</summary>
    /// <exception cref="ConfigurationException">There is no '=' or the key is empty.</exception>
    public static (string Key, JsonNode? Value) ParseOverride(string pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        int eq = pair.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0) throw new ConfigurationException($"Override '{pair}' is not key=value.");
        string raw = pair[(eq + 1)..].Trim();
        return (pair[..eq].Trim(), TryParseJsonValue(raw) ?? JsonValue.Create(raw));
    }

    /// <summary>The first sentence of a serializer message (the rest repeats the path and position).</summary>
    public static string FirstSentence(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        int dot = message.IndexOf(". ", StringComparison.Ordinal);
        return dot > 0 ? message[..(dot + 1)] : message;
    }

    private static bool IsYaml(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

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
}
