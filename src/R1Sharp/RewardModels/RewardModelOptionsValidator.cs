using System.Globalization;
using R1Sharp.Training.Configuration;

namespace R1Sharp.RewardModels;

/// <summary>Range checks of <see cref="RewardModelOptions"/>; every message starts with the option's config key, all problems at once.</summary>
public static class RewardModelOptionsValidator
{
    /// <summary>All problems of <paramref name="options"/> (empty when valid).</summary>
    public static IReadOnlyList<string> Problems(RewardModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        void Require(bool ok, string key, object value, string rule)
        {
            if (!ok) problems.Add(string.Create(CultureInfo.InvariantCulture, $"{key}: {rule} (got {value})"));
        }
        Require(!string.IsNullOrWhiteSpace(options.OutputDirectory), "output_dir", options.OutputDirectory, "is required (--output)");
        Require(options.Epochs >= 1, "num_train_epochs", options.Epochs, "must be at least 1");
        Require(options.MaxSteps >= 0, "max_steps", options.MaxSteps, "must be ≥ 0 (0 = all epochs)");
        problems.AddRange(AdamWSettingsChecks.Problems(options));
        Require(options.BatchSize >= 1, "per_device_train_batch_size", options.BatchSize, "must be at least 1");
        Require(options.GradientAccumulationSteps >= 1, "gradient_accumulation_steps", options.GradientAccumulationSteps, "must be at least 1");
        Require(options.MaxLength >= 1, "max_length", options.MaxLength, "must be at least 1");
        Require(options.CenterRewardsCoefficient >= 0 && double.IsFinite(options.CenterRewardsCoefficient), "center_rewards_coefficient", options.CenterRewardsCoefficient, "must be a finite number ≥ 0 (0 = off)");
        Require(options.ValidationFraction is >= 0 and < 1, "validation_fraction", options.ValidationFraction, "must be in [0, 1)");
        Require(options.EvalSteps >= 0, "eval_steps", options.EvalSteps, "must be ≥ 0 (0 = before and after training)");
        Require(options.LoggingSteps >= 1, "logging_steps", options.LoggingSteps, "must be at least 1");
        Require(options.SaveSteps >= 0, "save_steps", options.SaveSteps, "must be ≥ 0 (0 = only at the end)");
        Require(options.SaveTotalLimit >= 0, "save_total_limit", options.SaveTotalLimit, "must be ≥ 0 (0 = keep all)");
        if (options.Lora is { } lora) problems.AddRange(lora.Problems());
        return problems;
    }
}
