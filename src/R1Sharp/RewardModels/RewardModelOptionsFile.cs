using R1Sharp.Training.Configuration;

namespace R1Sharp.RewardModels;

/// <summary>
/// Reads <see cref="RewardModelOptions"/> as <c>r1 sft</c> reads its own: a JSON or YAML file with TRL's
/// <c>RewardConfig</c> keys, then the flags the user typed, then <c>--set key=value</c>, then one validation listing
/// every problem under its key and where the value came from.
/// </summary>
public static class RewardModelOptionsFile
{
    /// <summary>TRL's names, a few shorter aliases, <see cref="RewardModelOptionsValidator"/>.</summary>
    public static OptionsSchema<RewardModelOptions> Schema { get; } = new(
        "reward model",
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["epochs"] = "num_train_epochs",
            ["batch_size"] = "per_device_train_batch_size",
            ["lr_schedule"] = "lr_scheduler_type",
            ["min_lr_ratio"] = "min_lr_rate",
            ["gradient_accumulation"] = "gradient_accumulation_steps",
        },
        new Dictionary<string, string>(StringComparer.Ordinal) { ["output_dir"] = "the run folder is given with --output" },
        RewardModelOptionsValidator.Problems);

    /// <summary>Loads options: <paramref name="defaults"/>, then <paramref name="path"/>, then <paramref name="sources"/>, then <paramref name="overrides"/>; then validation.</summary>
    /// <exception cref="ConfigurationException">A bad file, unknown option, bad value or invalid settings, each named.</exception>
    public static Task<RewardModelOptions> LoadAsync(string? path, IEnumerable<OptionsSource> sources, IEnumerable<string> overrides, RewardModelOptions defaults,
        CancellationToken cancellationToken = default) =>
        Schema.LoadLayeredAsync(path, sources, overrides, defaults, cancellationToken);
}
