using System.Globalization;

namespace R1Sharp.Training.Configuration;

/// <summary>Range checks of <see cref="ITrainingLoopSettings"/>; every message starts with the config key.</summary>
public static class TrainingLoopChecks
{
    /// <summary>All problems of <paramref name="settings"/> (empty when valid).</summary>
    public static IEnumerable<string> Problems(ITrainingLoopSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var checks = new (bool Ok, string Key, object Value, string Rule)[]
        {
            (!string.IsNullOrWhiteSpace(settings.OutputDirectory), "output_dir", settings.OutputDirectory, "is required (--output)"),
            (settings.Epochs >= 1, "num_train_epochs", settings.Epochs, "must be at least 1"),
            (settings.MaxSteps >= 0, "max_steps", settings.MaxSteps, "must be ≥ 0 (0 = all epochs)"),
            (settings.BatchSize >= 1, "per_device_train_batch_size", settings.BatchSize, "must be at least 1"),
            (settings.GradientAccumulationSteps >= 1, "gradient_accumulation_steps", settings.GradientAccumulationSteps, "must be at least 1"),
            (settings.ValidationFraction is >= 0 and < 1, "validation_fraction", settings.ValidationFraction, "must be in [0, 1)"),
            (settings.LoggingSteps >= 1, "logging_steps", settings.LoggingSteps, "must be at least 1"),
            (settings.SaveSteps >= 0, "save_steps", settings.SaveSteps, "must be ≥ 0 (0 = only at the end)"),
            (settings.SaveTotalLimit >= 0, "save_total_limit", settings.SaveTotalLimit, "must be ≥ 0 (0 = keep all)"),
        };
        return checks.Where(c => !c.Ok).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key}: {c.Rule} (got {c.Value})"));
    }
}
