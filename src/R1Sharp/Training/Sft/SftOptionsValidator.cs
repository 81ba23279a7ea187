using System.Globalization;
using R1Sharp.Training.Configuration;

namespace R1Sharp.Training.Sft;

/// <summary>Range checks of <see cref="SftOptions"/>; every message starts with the option's config key (TRL's name), and all problems are reported at once.</summary>
public static class SftOptionsValidator
{
    /// <summary>All problems of <paramref name="options"/> (empty when valid).</summary>
    public static IReadOnlyList<string> Problems(SftOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        void Require(bool ok, string key, object value, string rule)
        {
            if (!ok) problems.Add(string.Create(CultureInfo.InvariantCulture, $"{key}: {rule} (got {value})"));
        }
        problems.AddRange(TrainingLoopChecks.Problems(options));
        problems.AddRange(AdamWSettingsChecks.Problems(options));
        Require(options.LogprobChunkSize >= 0, "logprob_chunk_size", options.LogprobChunkSize, "must be ≥ 0 (0 = full logits)");
        Require(options.MicroBatchWorkers >= 0, "micro_batch_workers", options.MicroBatchWorkers, "must be 0 (one per core torch's threads leave free, at most 2) or a count of 1 or more");
        Require(options.MaxLength >= 2, "max_length", options.MaxLength, "must be at least 2 (a target needs a token before it)");
        Require(options.EvalSteps >= 0, "eval_steps", options.EvalSteps, "must be ≥ 0 (0 = each epoch end)");
        Require(!(options.Bf16 && options.UsePeft), "bf16", "true with use_peft: true",
            "mixed precision trains full models only; LoRA adapters train in the base model's dtype (--dtype bf16 for a bf16 base)");
        if (options.Lora is { } lora) problems.AddRange(lora.Problems());
        Require(options.RouterBiasUpdateRate >= 0 && double.IsFinite(options.RouterBiasUpdateRate), "router_bias_update_rate", options.RouterBiasUpdateRate, "must be a finite number ≥ 0 (0 = off; DeepSeek-V3 used 0.001)");
        Require(options.RouterBiasUpdateRate == 0 || !options.Bf16, "router_bias_update_rate", options.RouterBiasUpdateRate,
            "is not supported with bf16: true yet (the bias would move on the bf16 copy, not on the float32 master that is saved); train in float32 or set it to 0");
        Require(options.RouterBiasUpdateRate == 0 || !options.UsePeft, "router_bias_update_rate", options.RouterBiasUpdateRate, "needs full fine-tuning: with use_peft the base model, e_score_correction_bias included, is frozen and only the adapters are saved");
        return problems;
    }
}
