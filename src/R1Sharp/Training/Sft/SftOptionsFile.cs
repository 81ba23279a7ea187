using System.Text.Json.Nodes;
using R1Sharp.Training.Configuration;

namespace R1Sharp.Training.Sft;

/// <summary>
/// Reads <see cref="SftOptions"/> the way <see cref="GrpoOptionsFile"/> reads GRPO's: a JSON or YAML file with TRL's
/// <c>SFTConfig</c> keys (<c>num_train_epochs</c>, <c>per_device_train_batch_size</c>, <c>lr_scheduler_type</c>, …),
/// then settings from flags, then <c>key=value</c> overrides, then one validation that lists every problem under
/// its key and where the value came from.
/// </summary>
public static class SftOptionsFile
{
    /// <summary>How SFT options are read: TRL's names, our shorter names as aliases, <see cref="SftOptionsValidator"/>.</summary>
    public static OptionsSchema<SftOptions> Schema { get; } = new(
        "SFT",
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["epochs"] = "num_train_epochs",
            ["batch_size"] = "per_device_train_batch_size",
            ["lr_schedule"] = "lr_scheduler_type",
            ["min_lr_ratio"] = "min_lr_rate",
            ["gradient_accumulation"] = "gradient_accumulation_steps",
            ["drop_overlong"] = "drop_overlong_samples",
        },
        new Dictionary<string, string>(StringComparer.Ordinal) { ["output_dir"] = "the run folder is given with --output" },
        SftOptionsValidator.Problems);

    /// <summary>One source of settings, in order of precedence: later sources win.</summary>
    /// <param name="Settings">Key (canonical or alias) to value.</param>
    /// <param name="Origin">What to name as the values' origin in messages (a file, "--learning-rate", "--set").</param>
    public sealed record Source(JsonObject Settings, string Origin);

    /// <summary>
    /// Loads options: <paramref name="defaults"/>, then <paramref name="path"/> (when given), then
    /// <paramref name="sources"/> in order (e.g. explicit flags), then <paramref name="overrides"/>; then validation.
    /// </summary>
    /// <exception cref="ConfigurationException">A bad file, an unknown option, a bad value or invalid settings, each named.</exception>
    public static async Task<SftOptions> LoadAsync(string? path, IEnumerable<Source> sources, IEnumerable<string> overrides, SftOptions defaults,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(overrides);
        ArgumentNullException.ThrowIfNull(defaults);
        var ordered = new List<Source>();
        if (path is not null) ordered.Add(new Source(await SettingsText.ReadFileAsync(path, cancellationToken).ConfigureAwait(false), path));
        ordered.AddRange(sources);
        foreach (var pair in overrides)
        {
            var (key, value) = SettingsText.ParseOverride(pair);
            ordered.Add(new Source(new JsonObject { [key] = value }, "--set"));
        }
        var settings = new JsonObject();
        var origins = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in ordered)
        {
            foreach (var (key, value) in source.Settings)
            {
                string canonical = Schema.Canonical(key, source.Origin);
                settings[canonical] = value?.DeepClone();
                origins[canonical] = source.Origin;
            }
        }
        string summary = ordered.Count == 0 ? "defaults" : string.Join(" + ", ordered.Select(s => s.Origin).Distinct());
        return Schema.Bind(settings, defaults, summary, origins);
    }
}
