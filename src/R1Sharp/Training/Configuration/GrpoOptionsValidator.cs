using R1Sharp.Training.Rollouts;

namespace R1Sharp.Training.Configuration;

/// <summary>Range checks of <see cref="GrpoOptions"/>; every message starts with the snake_case option name.</summary>
public static class GrpoOptionsValidator
{
    /// <summary>All problems of <paramref name="options"/> (empty when valid).</summary>
    public static IReadOnlyList<string> Problems(GrpoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        void Require(bool ok, string name, object? value, string rule)
        {
            if (!ok) problems.Add($"{name}: {rule} (got {value})");
        }
        Require(options.NumGenerations >= 2, "num_generations", options.NumGenerations, "must be at least 2, a group needs a baseline");
        Require(options.PromptsPerStep >= 1, "prompts_per_step", options.PromptsPerStep, "must be at least 1");
        Require(options.GradientAccumulationSteps is null or >= 1, "gradient_accumulation_steps", options.GradientAccumulationSteps, "must be at least 1");
        Require(options.PerDeviceTrainBatchSize is null or >= 1, "per_device_train_batch_size", options.PerDeviceTrainBatchSize, "must be at least 1");
        Require(options.MicroBatchWorkers >= 0, "micro_batch_workers", options.MicroBatchWorkers, "must be 0 (one per core torch's threads leave free, at most 2) or a count of 1 or more");
        if (options is { PerDeviceTrainBatchSize: int size and >= 1, GradientAccumulationSteps: int steps and >= 1 } && (long)size * steps != (long)options.PromptsPerStep * options.NumGenerations)
            problems.Add($"per_device_train_batch_size: {size} × gradient_accumulation_steps {steps} = {(long)size * steps} completions, but a step has prompts_per_step {options.PromptsPerStep} × num_generations {options.NumGenerations} = {(long)options.PromptsPerStep * options.NumGenerations}; set prompts_per_step to {(long)size * steps / Math.Max(1, options.NumGenerations)} (TRL's relation) or give only one of the two");
        Require(options.NumIterations >= 1, "num_iterations", options.NumIterations, "must be at least 1");
        Require(options.MaxSteps >= 1, "max_steps", options.MaxSteps, "must be at least 1");
        Require(options.MaxSeconds >= 0 && double.IsFinite(options.MaxSeconds), "max_seconds", options.MaxSeconds, "must be a finite number ≥ 0 (0 = no time budget)");
        Require(options.Beta >= 0 && double.IsFinite(options.Beta), "beta", options.Beta, "must be a finite number ≥ 0");
        Require(options.EpsilonLow is > 0 and < 1, "epsilon", options.EpsilonLow, "must be in (0, 1)");
        Require(options.EpsilonHigh > 0 && double.IsFinite(options.EpsilonHigh), "epsilon_high", options.EpsilonHigh, "must be a finite number > 0");
        Require(options.MaxRefills >= 0, "max_refills", options.MaxRefills, "must be ≥ 0");
        Require(options.Temperature > 0 && double.IsFinite(options.Temperature), "temperature", options.Temperature, "must be > 0 (RL samples; greedy rollouts give identical groups)");
        Require(options.TopP is > 0 and <= 1, "top_p", options.TopP, "must be in (0, 1]");
        Require(options.MaxPromptLength >= 1, "max_prompt_length", options.MaxPromptLength, "must be at least 1");
        Require(options.MaxCompletionLength >= 1, "max_completion_length", options.MaxCompletionLength, "must be at least 1");
        Require(options.LearningRate > 0 && double.IsFinite(options.LearningRate), "learning_rate", options.LearningRate, "must be a finite number > 0");
        Require(options.WarmupSteps >= 0, "warmup_steps", options.WarmupSteps, "must be ≥ 0");
        Require(options.MinLearningRateRatio is >= 0 and <= 1, "min_learning_rate_ratio", options.MinLearningRateRatio, "must be in [0, 1]");
        Require(options.WeightDecay >= 0, "weight_decay", options.WeightDecay, "must be ≥ 0");
        Require(options.AdamBeta1 is >= 0 and < 1, "adam_beta1", options.AdamBeta1, "must be in [0, 1)");
        Require(options.AdamBeta2 is >= 0 and < 1, "adam_beta2", options.AdamBeta2, "must be in [0, 1)");
        Require(options.LogprobChunkSize >= 0, "logprob_chunk_size", options.LogprobChunkSize, "must be ≥ 0 (0 = no chunking)");
        Require(options.MaxGradNorm >= 0, "max_grad_norm", options.MaxGradNorm, "must be ≥ 0");
        Require(options.SaveSteps >= 0, "save_steps", options.SaveSteps, "must be ≥ 0");
        Require(options.SaveTotalLimit >= 0, "save_total_limit", options.SaveTotalLimit, "must be ≥ 0");
        Require(options.EvalSteps >= 0, "eval_steps", options.EvalSteps, "must be ≥ 0");
        // issue 17: data-parallel
        Require(R1Sharp.Distributed.CollectiveBackends.Names.Contains(options.DistributedBackend), "distributed_backend", options.DistributedBackend, "must be auto, mpi, nccl or single");
        Require(options.WeightCheckSteps >= 0, "weight_check_steps", options.WeightCheckSteps, "must be ≥ 0 (0 = never)");
        Require(options.LoggingSteps >= 1, "logging_steps", options.LoggingSteps, "must be at least 1");
        Require(!string.IsNullOrWhiteSpace(options.Device), "device", options.Device, "must name a device (cpu, cuda, cuda:N)");
        foreach (var (name, weight) in options.RewardWeights)
            Require(double.IsFinite(weight), $"reward_weights.{name}", weight, "must be a finite number");
        if (options.Lora is { } lora) problems.AddRange(lora.Problems());
        GrpoFamilyOptionsValidator.AddProblems(options, problems); // issue 20: GRPO family
        // issue 17: remote rollout backends
        Require(options.RolloutSyncSteps >= 1, "rollout_sync_steps", options.RolloutSyncSteps, "must be at least 1");
        Require(options.RolloutSyncTimeout > 0 && double.IsFinite(options.RolloutSyncTimeout), "rollout_sync_timeout", options.RolloutSyncTimeout, "must be a finite number of seconds > 0");
        Require(!string.IsNullOrWhiteSpace(options.RolloutLoraName), "rollout_lora_name", options.RolloutLoraName, "must name the adapter");
        Require(options.VllmImportanceSamplingCap > 0 && double.IsFinite(options.VllmImportanceSamplingCap), "vllm_importance_sampling_cap", options.VllmImportanceSamplingCap, "must be a finite number > 0");
        Require(!(options.UsePeft && options.RolloutBackend == RolloutBackend.Sglang), "rollout_backend", "sglang",
            "with use_peft, SGLang's update_weights_from_disk takes a full checkpoint, not an adapter; use vllm (load_lora_adapter) or r1");
        // issue 16: MoE routing
        Require(options.RouterBiasUpdateRate >= 0 && double.IsFinite(options.RouterBiasUpdateRate), "router_bias_update_rate", options.RouterBiasUpdateRate, "must be a finite number ≥ 0 (0 = off; DeepSeek-V3 used 0.001)");
        Require(options.RouterBiasUpdateRate == 0 || !options.UsePeft, "router_bias_update_rate", options.RouterBiasUpdateRate, "needs full fine-tuning: with use_peft the base model, e_score_correction_bias included, is frozen and only the adapters are saved");
        // issue 18: bf16 mixed precision and rollout dtype
        Require(!(options.Bf16 && options.Dtype == TrainingPrecision.Bf16), "bf16", "true with dtype bf16",
            "mixed precision needs float32 master weights; use one of bf16: true (mixed precision) or dtype: bf16 (pure bf16 training)");
        Require(!(options.Bf16 && options.RouterBiasUpdateRate > 0), "router_bias_update_rate", options.RouterBiasUpdateRate,
            "is not supported with bf16: true yet (the bias would move on the bf16 copy, not on the float32 master that is saved); train in float32 or set it to 0");
        Require(!(options.RolloutDtype == RolloutDtype.Bfloat16 && options.Dtype == TrainingPrecision.Bf16), "rollout_dtype", "bfloat16 with dtype bf16",
            "the policy is already bf16 and rolls out in bf16; drop rollout_dtype");
        return problems;
    }

    /// <summary>Throws <see cref="ConfigurationException"/> listing every problem.</summary>
    /// <param name="options">The options to check.</param>
    /// <param name="source">Where they came from (file name, "command line"), for the message.</param>
    public static void ThrowIfInvalid(GrpoOptions options, string source) => GrpoOptionsFile.Schema.ThrowIfInvalid(options, source);
}
