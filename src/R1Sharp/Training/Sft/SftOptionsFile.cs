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

    /// <summary>
    /// Loads options: <paramref name="defaults"/>, then <paramref name="path"/> (when given), then
    /// <paramref name="sources"/> in order (e.g. explicit flags), then <paramref name="overrides"/>; then validation.
    /// </summary>
    /// <exception cref="ConfigurationException">A bad file, an unknown option, a bad value or invalid settings, each named.</exception>
    public static Task<SftOptions> LoadAsync(string? path, IEnumerable<OptionsSource> sources, IEnumerable<string> overrides, SftOptions defaults,
        CancellationToken cancellationToken = default) =>
        Schema.LoadLayeredAsync(path, sources, overrides, defaults, cancellationToken);
}
