using System.Text.Json;
using System.Text.Json.Nodes;
using R1Sharp.IO;

namespace R1Sharp.Training.Configuration;

/// <summary>
/// Reads and writes <see cref="GrpoOptions"/> as JSON or YAML with TRL-style snake_case keys, applies
/// <c>key=value</c> overrides from the command line, and rejects unknown keys and bad values by name.
/// </summary>
public static class GrpoOptionsFile
{
    /// <summary>How GRPO options are read: TRL's names, its <c>epsilon</c> for ε_low, <see cref="GrpoOptionsValidator"/>.</summary>
    public static OptionsSchema<GrpoOptions> Schema { get; } = new(
        "GRPO",
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["epsilon"] = "epsilon_low",
            ["clip_ratio_c"] = "delta", // veRL's dual-clip bound is TRL's delta (issue 20)
            ["kl_penalty"] = "kl_loss_type", // veRL's estimator key for the KL in the reward (issue 20)
        },
        new Dictionary<string, string>(StringComparer.Ordinal),
        GrpoOptionsValidator.Problems);

    /// <summary>The JSON settings used for config files: snake_case names and enum values, unknown keys rejected.</summary>
    public static JsonSerializerOptions JsonOptions => OptionsSchema<GrpoOptions>.JsonOptions;

    /// <summary>Loads options: defaults, then the file (when given), then overrides, then validation.</summary>
    /// <param name="path">A .json, .yaml or .yml file, or null for defaults.</param>
    /// <param name="overrides"><c>key=value</c> pairs (value as JSON, or a bare string).</param>
    /// <param name="defaults">Starting values (e.g. a preset), or null for <see cref="GrpoOptions"/>' own defaults.</param>
    /// <param name="cancellationToken">Cancels file reading.</param>
    /// <exception cref="ConfigurationException">A bad file, an unknown option, a bad value or invalid settings, each named.</exception>
    public static async Task<GrpoOptions> LoadAsync(string? path, IEnumerable<string>? overrides = null, GrpoOptions? defaults = null, CancellationToken cancellationToken = default)
    {
        var settings = new JsonObject();
        var origins = new Dictionary<string, string>(StringComparer.Ordinal);
        string source = "defaults";
        if (path is not null)
        {
            foreach (var (key, value) in await SettingsText.ReadFileAsync(path, cancellationToken).ConfigureAwait(false))
            {
                string canonical = Schema.Canonical(key, path);
                settings[canonical] = value?.DeepClone();
                origins[canonical] = path;
            }
            source = path;
        }
        foreach (var pair in overrides ?? [])
        {
            var (key, value) = SettingsText.ParseOverride(pair);
            string canonical = Schema.Canonical(key, "command line");
            settings[canonical] = value;
            origins[canonical] = "--set";
            source = path is null ? "command line" : $"{path} + command line";
        }
        return Schema.Bind(settings, defaults ?? new GrpoOptions(), source, origins);
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
    public static GrpoOptions FromSettings(JsonObject settings, GrpoOptions defaults, string source) =>
        Schema.Bind(settings, defaults, source);

    /// <summary>Writes the effective options as indented JSON, atomically (temp file then rename).</summary>
    public static async Task SaveAsync(GrpoOptions options, string path, CancellationToken cancellationToken = default)
    {
        await AtomicFile.WriteAllTextAsync(path, JsonSerializer.Serialize(options, JsonOptions), cancellationToken).ConfigureAwait(false);
    }
}
