using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace R1Sharp.Training.Configuration;

/// <summary>
/// How one trainer's options record is read from settings: its snake_case keys (TRL's names), the aliases it also
/// accepts, the keys a file may not set, and its validator. GRPO and SFT read their files, <c>--set</c> overrides and
/// flags through this one path, so both accept the same syntax and report every problem the same way: under the key
/// the user typed, together with where the value came from.
/// </summary>
/// <typeparam name="TOptions">The options record.</typeparam>
/// <param name="Title">What the options configure, for messages ("GRPO", "SFT").</param>
/// <param name="Aliases">Other accepted key -> canonical key (e.g. TRL's <c>epsilon</c> for <c>epsilon_low</c>).</param>
/// <param name="Reserved">Canonical keys that settings may not set, with the reason (e.g. the output folder, which a flag gives).</param>
/// <param name="Problems">The validator: every problem, each message starting with the key it concerns.</param>
public sealed record OptionsSchema<TOptions>(
    string Title,
    IReadOnlyDictionary<string, string> Aliases,
    IReadOnlyDictionary<string, string> Reserved,
    Func<TOptions, IReadOnlyList<string>> Problems)
    where TOptions : class
{
    /// <summary>The serializer settings of options files: snake_case names and enum values, unknown keys rejected.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    /// <summary>Every key a settings file may set (canonical names, aliases excluded).</summary>
    public IReadOnlyList<string> Keys =>
        [.. JsonOptions.GetTypeInfo(typeof(TOptions)).Properties.Select(p => p.Name).Where(k => !Reserved.ContainsKey(k))];

    /// <summary>The canonical key for <paramref name="key"/> (an alias resolved).</summary>
    /// <exception cref="ConfigurationException">No such option, or a reserved one (the message names it and <paramref name="source"/>).</exception>
    public string Canonical(string key, string source)
    {
        ArgumentNullException.ThrowIfNull(key);
        key = Aliases.GetValueOrDefault(key, key);
        if (Reserved.TryGetValue(key, out string? reason))
            throw new ConfigurationException($"{source}: option '{key}' cannot be set here: {reason}.");
        if (!Keys.Contains(key, StringComparer.Ordinal))
            throw new ConfigurationException($"{source}: unknown option '{key}'.");
        return key;
    }

    /// <summary>
    /// Applies <paramref name="settings"/> (canonical or alias keys) over <paramref name="defaults"/>, then validates.
    /// </summary>
    /// <param name="settings">Key to JSON value.</param>
    /// <param name="defaults">Starting values.</param>
    /// <param name="source">Where the settings came from as a whole, for messages.</param>
    /// <param name="origins">Where each key's value came from (a file, "--set", a flag), named beside its problems; optional.</param>
    /// <exception cref="ConfigurationException">An unknown option, a bad value, or every invalid setting, each named.</exception>
    public TOptions Bind(JsonObject settings, TOptions defaults, string source, IReadOnlyDictionary<string, string>? origins = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(defaults);
        var node = JsonSerializer.SerializeToNode(defaults, JsonOptions)!.AsObject();
        foreach (var (key, value) in settings)
            node[Canonical(key, source)] = value?.DeepClone();
        TOptions options;
        try
        {
            options = node.Deserialize<TOptions>(JsonOptions) ?? throw new ConfigurationException($"{source}: empty configuration.");
        }
        catch (JsonException e)
        {
            string option = e.Path is { Length: > 2 } p ? p[2..] : "(root)";
            string from = origins is not null && origins.TryGetValue(option, out var o) ? $" (from {o})" : "";
            throw new ConfigurationException($"{source}: option '{option}'{from} has a bad value: {SettingsText.FirstSentence(e.Message)}{Expected(option)}", e);
        }
        ThrowIfInvalid(options, source, origins);
        return options;
    }

    // For an enum option, the values it takes (snake_case, as a file writes them).
    private static string Expected(string key)
    {
        var property = JsonOptions.GetTypeInfo(typeof(TOptions)).Properties.FirstOrDefault(p => p.Name == key);
        var type = property is null ? null : Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        return type is { IsEnum: true }
            ? " Expected one of: " + string.Join(", ", Enum.GetNames(type).Select(JsonNamingPolicy.SnakeCaseLower.ConvertName)) + "."
            : "";
    }

    /// <summary>Throws <see cref="ConfigurationException"/> listing every problem of <paramref name="options"/>, each with where its value came from when known.</summary>
    public void ThrowIfInvalid(TOptions options, string source, IReadOnlyDictionary<string, string>? origins = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = Problems(options);
        if (problems.Count == 0) return;
        string Located(string problem)
        {
            int end = problem.IndexOfAny([':', '.']);
            return end > 0 && origins is not null && origins.TryGetValue(problem[..end], out var origin) ? $"{problem} [from {origin}]" : problem;
        }
        throw new ConfigurationException($"Invalid {Title} configuration ({source}):{Environment.NewLine}  " +
            string.Join(Environment.NewLine + "  ", problems.Select(Located)));
    }

    /// <summary>
    /// Reads options in layers: <paramref name="defaults"/>, then the file at <paramref name="path"/> (when given), then
    /// <paramref name="sources"/> in order (e.g. explicit flags), then <c>key=value</c> <paramref name="overrides"/>;
    /// later layers win. Then binds and validates, naming for each key where its value came from.
    /// </summary>
    /// <exception cref="ConfigurationException">A bad file, an unknown option, a bad value or invalid settings, each named.</exception>
    public async Task<TOptions> LoadLayeredAsync(string? path, IEnumerable<OptionsSource> sources,
        IEnumerable<string> overrides, TOptions defaults, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(overrides);
        ArgumentNullException.ThrowIfNull(defaults);
        var ordered = new List<(JsonObject Settings, string Origin)>();
        if (path is not null) ordered.Add((await SettingsText.ReadFileAsync(path, cancellationToken).ConfigureAwait(false), path));
        ordered.AddRange(sources.Select(s => (s.Settings, s.Origin)));
        foreach (var pair in overrides)
        {
            var (key, value) = SettingsText.ParseOverride(pair);
            ordered.Add((new JsonObject { [key] = value }, "--set"));
        }
        var settings = new JsonObject();
        var origins = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (layer, origin) in ordered)
        {
            foreach (var (key, value) in layer)
            {
                string canonical = Canonical(key, origin);
                settings[canonical] = value?.DeepClone();
                origins[canonical] = origin;
            }
        }
        string summary = ordered.Count == 0 ? "defaults" : string.Join(" + ", ordered.Select(s => s.Origin).Distinct());
        return Bind(settings, defaults, summary, origins);
    }
}
