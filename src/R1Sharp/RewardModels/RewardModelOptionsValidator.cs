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
        problems.AddRange(TrainingLoopChecks.Problems(options));
        problems.AddRange(AdamWSettingsChecks.Problems(options));
        Require(options.MaxLength >= 1, "max_length", options.MaxLength, "must be at least 1");
        Require(options.CenterRewardsCoefficient >= 0 && double.IsFinite(options.CenterRewardsCoefficient), "center_rewards_coefficient", options.CenterRewardsCoefficient, "must be a finite number ≥ 0 (0 = off)");
        Require(options.EvalSteps >= 0, "eval_steps", options.EvalSteps, "must be ≥ 0 (0 = before and after training)");
        if (options.Lora is { } lora) problems.AddRange(lora.Problems());
        return problems;
    }
}
