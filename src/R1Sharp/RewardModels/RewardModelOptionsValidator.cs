using System.Globalization;

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
        Require(options.LearningRate > 0 && double.IsFinite(options.LearningRate), "learning_rate", options.LearningRate, "must be a finite number > 0");
        Require(options.MinLearningRateRatio is >= 0 and <= 1, "min_lr_rate", options.MinLearningRateRatio, "must be in [0, 1]");
        Require(options.WarmupRatio is >= 0 and < 1, "warmup_ratio", options.WarmupRatio, "must be in [0, 1)");
        Require(options.WeightDecay >= 0 && double.IsFinite(options.WeightDecay), "weight_decay", options.WeightDecay, "must be a finite number ≥ 0");
        Require(options.AdamBeta1 is >= 0 and < 1, "adam_beta1", options.AdamBeta1, "must be in [0, 1)");
        Require(options.AdamBeta2 is >= 0 and < 1, "adam_beta2", options.AdamBeta2, "must be in [0, 1)");
        Require(options.AdamEpsilon > 0 && double.IsFinite(options.AdamEpsilon), "adam_epsilon", options.AdamEpsilon, "must be a finite number > 0");
        Require(options.MaxGradNorm >= 0 && double.IsFinite(options.MaxGradNorm), "max_grad_norm", options.MaxGradNorm, "must be a finite number ≥ 0 (0 = no clipping)");
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
