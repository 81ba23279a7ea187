using System.Text.Json.Serialization;
using R1Sharp.Models.Lora;
using R1Sharp.Training.Configuration;

namespace R1Sharp.RewardModels;

/// <summary>
/// Settings of a reward-model run (<c>r1 rm</c>). Names follow TRL's <c>RewardConfig</c> (itself transformers'
/// <c>TrainingArguments</c>) so a TRL user finds their knobs; the config-file key of each is given in its summary.
/// A step trains on <c>per_device_train_batch_size × gradient_accumulation_steps</c> pairs.
/// </summary>
public sealed record RewardModelOptions : ITrainingLoopSettings, IAdamWSettings, ILoraSettings
{
    /// <summary><c>output_dir</c>: checkpoints, metrics.jsonl, rm_summary.json and final/ (the reward model). Required (--output).</summary>
    [JsonPropertyName("output_dir")]
    public required string OutputDirectory { get; init; }

    /// <summary><c>num_train_epochs</c>: passes over the training pairs. Default 1 (reward models overfit quickly; TRL's default is 3).</summary>
    [JsonPropertyName("num_train_epochs")]
    public int Epochs { get; init; } = 1;

    /// <summary><c>max_steps</c>: stop after this many optimizer steps; 0 = all epochs.</summary>
    public int MaxSteps { get; init; }

    /// <summary><c>learning_rate</c>: AdamW peak learning rate. Default 1e-5 (TRL's reward-modelling examples); tiny models need ~1e-3.</summary>
    public double LearningRate { get; init; } = 1e-5;

    /// <summary><c>lr_scheduler_type</c>: constant, cosine or linear after warmup. Default linear (transformers).</summary>
    [JsonPropertyName("lr_scheduler_type")]
    public LearningRateScheduleKind Schedule { get; init; } = LearningRateScheduleKind.Linear;

    /// <summary><c>min_lr_rate</c>: final learning rate as a fraction of the peak (cosine/linear). Default 0 (transformers).</summary>
    [JsonPropertyName("min_lr_rate")]
    public double MinLearningRateRatio { get; init; }

    /// <summary><c>warmup_ratio</c>: share of the steps in linear warmup. Default 0 (transformers).</summary>
    public double WarmupRatio { get; init; }

    /// <summary><c>weight_decay</c>: AdamW decoupled weight decay. Default 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary><c>adam_beta1</c>. Default 0.9.</summary>
    public double AdamBeta1 { get; init; } = 0.9;

    /// <summary><c>adam_beta2</c>. Default 0.999.</summary>
    public double AdamBeta2 { get; init; } = 0.999;

    /// <summary><c>adam_epsilon</c>. Default 1e-8.</summary>
    public double AdamEpsilon { get; init; } = 1e-8;

    /// <summary><c>max_grad_norm</c>: clip the global gradient norm; 0 = off. Default 1.0.</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary><c>gradient_checkpointing</c>: recompute each decoder layer in backward instead of keeping its activations. Default false.</summary>
    public bool GradientCheckpointing { get; init; }

    /// <summary><c>per_device_train_batch_size</c>: pairs per micro-batch (each pair is two sequences). Default 8.</summary>
    [JsonPropertyName("per_device_train_batch_size")]
    public int BatchSize { get; init; } = 8;

    /// <summary><c>gradient_accumulation_steps</c>: micro-batches per optimizer step; the loss is divided by the step's pairs. Default 1.</summary>
    public int GradientAccumulationSteps { get; init; } = 1;

    /// <summary><c>max_length</c>: pairs with a side longer than this many tokens are left out (TRL filters them too: a cut sequence loses the token the score is read at). Default 1024.</summary>
    public int MaxLength { get; init; } = 1024;

    /// <summary><c>center_rewards_coefficient</c>: weight of the mean squared (r_chosen + r_rejected) added to the loss, keeping scores centred (Eisenstein et al. 2023; TRL). 0 = off. Default 0.</summary>
    public double CenterRewardsCoefficient { get; init; }

    /// <summary><c>validation_fraction</c>: share of the pairs held out for accuracy when no --validation-data is given. Default 0.1.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary><c>eval_steps</c>: held-out accuracy every this many steps; 0 = before training and at the end only. Default 0.</summary>
    public int EvalSteps { get; init; }

    /// <summary><c>logging_steps</c>: a metrics.jsonl line every this many steps. Default 10.</summary>
    public int LoggingSteps { get; init; } = 10;

    /// <summary><c>save_steps</c>: checkpoint every this many steps; 0 = only at the end. Default 500.</summary>
    public int SaveSteps { get; init; } = 500;

    /// <summary><c>save_total_limit</c>: checkpoints kept (oldest deleted); 0 = all. Default 2.</summary>
    public int SaveTotalLimit { get; init; } = 2;

    /// <summary><c>seed</c>: seeds the validation split, the data order, the new head and LoRA's initialisation and dropout. Default 42.</summary>
    public int Seed { get; init; } = 42;

    // ---- LoRA (TRL's ModelConfig keys) -----------------------------------------------------------------------------

    /// <inheritdoc />
    public bool UsePeft { get; init; }

    /// <inheritdoc />
    [JsonPropertyName("lora_r")]
    public int LoraRank { get; init; } = 16;

    /// <inheritdoc />
    public double LoraAlpha { get; init; } = 32;

    /// <inheritdoc />
    public double LoraDropout { get; init; } = 0.05;

    /// <inheritdoc />
    [JsonConverter(typeof(LoraTargetModulesJsonConverter))]
    public string LoraTargetModules { get; init; } = "";

    /// <inheritdoc />
    public bool UseRslora { get; init; }

    /// <summary>The LoRA settings when <see cref="UsePeft"/> is on; null for full fine-tuning.</summary>
    [JsonIgnore]
    public LoraOptions? Lora => this.ToLoraOptions();

    /// <summary>Checks the settings (<see cref="RewardModelOptionsValidator"/>).</summary>
    /// <exception cref="ConfigurationException">Every invalid setting, each under its config key.</exception>
    public void Validate() => RewardModelOptionsFile.Schema.ThrowIfInvalid(this, "reward-model options");
}
