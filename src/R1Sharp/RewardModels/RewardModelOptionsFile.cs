using System.Text.Json.Nodes;
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

    /// <summary>One source of settings; later sources win.</summary>
    /// <param name="Settings">Key (canonical or alias) to value.</param>
    /// <param name="Origin">Named in messages (a file, a flag, "--set").</param>
    public sealed record Source(JsonObject Settings, string Origin);

    /// <summary>Loads options: <paramref name="defaults"/>, then <paramref name="path"/>, then <paramref name="sources"/>, then <paramref name="overrides"/>; then validation.</summary>
    /// <exception cref="ConfigurationException">A bad file, unknown option, bad value or invalid settings, each named.</exception>
    public static async Task<RewardModelOptions> LoadAsync(string? path, IEnumerable<Source> sources, IEnumerable<string> overrides, RewardModelOptions defaults,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        return await Schema.LoadLayeredAsync(path, sources.Select(s => (s.Settings, s.Origin)), overrides, defaults, cancellationToken).ConfigureAwait(false);
    }
}
