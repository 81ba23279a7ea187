using System.Globalization;

namespace R1Sharp.Training.Configuration;

/// <summary>Range checks of <see cref="IAdamWSettings"/>; every message starts with the config key.</summary>
public static class AdamWSettingsChecks
{
    /// <summary>All problems of <paramref name="settings"/> (empty when valid).</summary>
    public static IEnumerable<string> Problems(IAdamWSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var checks = new (bool Ok, string Key, double Value, string Rule)[]
        {
            (settings.LearningRate > 0 && double.IsFinite(settings.LearningRate), "learning_rate", settings.LearningRate, "must be a finite number > 0"),
            (settings.MinLearningRateRatio is >= 0 and <= 1, "min_lr_rate", settings.MinLearningRateRatio, "must be in [0, 1]"),
            (settings.WarmupRatio is >= 0 and < 1, "warmup_ratio", settings.WarmupRatio, "must be in [0, 1)"),
            (settings.WeightDecay >= 0 && double.IsFinite(settings.WeightDecay), "weight_decay", settings.WeightDecay, "must be a finite number ≥ 0"),
            (settings.AdamBeta1 is >= 0 and < 1, "adam_beta1", settings.AdamBeta1, "must be in [0, 1)"),
            (settings.AdamBeta2 is >= 0 and < 1, "adam_beta2", settings.AdamBeta2, "must be in [0, 1)"),
            (settings.AdamEpsilon > 0 && double.IsFinite(settings.AdamEpsilon), "adam_epsilon", settings.AdamEpsilon, "must be a finite number > 0"),
            (settings.MaxGradNorm >= 0 && double.IsFinite(settings.MaxGradNorm), "max_grad_norm", settings.MaxGradNorm, "must be a finite number ≥ 0 (0 = no clipping)"),
        };
        return checks.Where(c => !c.Ok).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key}: {c.Rule} (got {c.Value})"));
    }
}
