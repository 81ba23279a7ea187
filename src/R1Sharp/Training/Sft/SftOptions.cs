using System.Text.Json.Serialization;
using R1Sharp.Models.Lora;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.LanguageModeling;

namespace R1Sharp.Training.Sft;

/// <summary>
/// Settings of a supervised fine-tuning run. Names and defaults follow TRL's <c>SFTConfig</c> (itself
/// transformers' <c>TrainingArguments</c>) unless a DeepSeek-R1 value is given, so a TRL user finds their knobs:
/// the config-file key of each setting (<see cref="SftOptionsFile"/>) is TRL's name, given in its summary.
/// </summary>
public sealed record SftOptions : ITrainingLoopSettings, IAdamWSettings, ILoraSettings
{
    /// <summary>Directory for checkpoints (<c>checkpoint-N/</c>), metrics.jsonl and the final model. Required.</summary>
    [JsonPropertyName("output_dir")]
    public required string OutputDirectory { get; init; }

    /// <summary>Passes over the training split. Default 2: DeepSeek-R1 fine-tunes its 800k samples for two epochs (paper §2.3.3). TRL's default is 3.</summary>
    [JsonPropertyName("num_train_epochs")]
    public int Epochs { get; init; } = 2;

    /// <summary>Stop after this many optimizer steps even if epochs remain; 0 = no limit. TRL: <c>max_steps</c> (-1 there).</summary>
    public int MaxSteps { get; init; }

    /// <summary>Peak learning rate. Default 2e-5 (TRL SFTConfig).</summary>
    public double LearningRate { get; init; } = 2e-5;

    /// <summary>Decay after warmup. Default cosine (open-r1's distillation recipes).</summary>
    [JsonPropertyName("lr_scheduler_type")]
    public LearningRateScheduleKind Schedule { get; init; } = LearningRateScheduleKind.Cosine;

    /// <summary>Final learning rate as a fraction of the peak for cosine/linear. Default 0.1 (open-r1's <c>cosine_with_min_lr</c>, <c>min_lr_rate: 0.1</c>).</summary>
    [JsonPropertyName("min_lr_rate")]
    public double MinLearningRateRatio { get; init; } = 0.1;

    /// <summary>Fraction of all optimizer steps spent in linear warmup. Default 0.03 (open-r1 recipes; transformers: 0).</summary>
    public double WarmupRatio { get; init; } = 0.03;

    /// <summary>AdamW decoupled weight decay. Default 0 (transformers).</summary>
    public double WeightDecay { get; init; }

    /// <summary>AdamW β1. Default 0.9 (transformers).</summary>
    public double AdamBeta1 { get; init; } = 0.9;

    /// <summary>AdamW β2. Default 0.999 (transformers).</summary>
    public double AdamBeta2 { get; init; } = 0.999;

    /// <summary>AdamW ε. Default 1e-8 (transformers).</summary>
    public double AdamEpsilon { get; init; } = 1e-8;

    /// <summary>Gradient norm clip; 0 disables. Default 1.0 (transformers <c>max_grad_norm</c>).</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>Recompute each decoder layer's activations in backward instead of keeping them: activation memory of
    /// one layer instead of all, for about one more forward pass; gradients equal. Applies to the library's Qwen2/Llama
    /// model. Default false (transformers <c>gradient_checkpointing</c>).</summary>
    public bool GradientCheckpointing { get; init; }

    /// <summary>γ of DeepSeek-V3's auxiliary-loss-free balancing (technical report §2.1.2): after every optimizer step
    /// each MoE layer's e_score_correction_bias moves by γ·sign(mean load − load of expert i), the load counted over the
    /// step's tokens. deepseek_v3 with topk_method noaux_tc only, full fine-tuning only. Default 0 = off (transformers
    /// never updates it); the paper uses 0.001 (<c>router_bias_update_rate</c>, not a TRL option).</summary>
    public double RouterBiasUpdateRate { get; init; }

    /// <summary>Positions whose logits exist at once when the loss is taken (lm_head → log-softmax → gather a chunk at a
    /// time, forward and backward), so the [rows, tokens, vocab] logits never exist; values and gradients equal the
    /// unchunked loss's. 0 = full logits. Applies to the library's Qwen2/Llama model. Default 256 (Liger-style fused
    /// linear cross-entropy; not a TRL option).</summary>
    public int LogprobChunkSize { get; init; } = 256;

    /// <summary>bf16 mixed precision: forward and backward on a bfloat16 copy of the model (the CPU's bf16 matmuls), with
    /// float32 master weights, AdamW state, gradient sums, loss and checkpoints (<see cref="LanguageModeling.MixedPrecisionModel"/>).
    /// Unlike <c>--dtype bf16</c>, which trains bf16 weights and loses updates smaller than 1/256 of a weight. Not with
    /// <c>use_peft</c>. Default false (TRL <c>bf16</c>).</summary>
    public bool Bf16 { get; init; }

    /// <summary>Rows per micro-batch. Default 8 (TRL <c>per_device_train_batch_size</c>).</summary>
    [JsonPropertyName("per_device_train_batch_size")]
    public int BatchSize { get; init; } = 8;

    /// <summary>Micro-batches per optimizer step. Default 1 (TRL <c>gradient_accumulation_steps</c>). The loss is
    /// normalised by the target tokens of the whole step, so every token weighs the same however it is batched.</summary>
    public int GradientAccumulationSteps { get; init; } = 1;

    /// <summary><c>micro_batch_workers</c> — threads that train a step's micro-batches at once, each a contiguous share,
    /// with one torch thread each (on 2 cores with <c>--threads 1</c>, the second core does half the step), their
    /// gradients summed in a fixed order so a run repeats bit for bit; against one worker only rounding differs. 0 = one
    /// per core that torch's threads leave free, at most 2, and 1 on several ranks or a GPU. One worker whatever the setting
    /// with a single micro-batch (the default <c>gradient_accumulation_steps</c> of 1), gradient_checkpointing or MoE
    /// routing terms. Default 0. As GRPO's (docs/grpo.md); not a TRL option.</summary>
    public int MicroBatchWorkers { get; init; }

    /// <summary>Tokens per row: the longest sample, and the capacity of a packed row. Default 1024 (TRL <c>max_length</c>).</summary>
    public int MaxLength { get; init; } = 1024;

    /// <summary>Longer samples are truncated to <see cref="MaxLength"/> (TRL's behaviour) unless this is true, in
    /// which case they are left out (a truncated chain of thought teaches the model to stop mid-thought). Default false.</summary>
    public bool DropOverlongSamples { get; init; }

    /// <summary>Packing or length bucketing. Default packed (TRL <c>packing=True, padding_free=True</c>).</summary>
    public SequenceLayout Layout { get; init; } = SequenceLayout.Packed;

    /// <summary>Fraction of the data held out for validation loss (0 = none). Default 0.05. TRL takes a separate <c>eval_dataset</c>;
    /// a validation file given to the trainer overrides this.</summary>
    public double ValidationFraction { get; init; } = 0.05;

    /// <summary>Validation every this many optimizer steps (0 = only at the end of each epoch). Default 100.</summary>
    public int EvalSteps { get; init; } = 100;

    /// <summary>Metrics line every this many optimizer steps. Default 10 (TRL <c>logging_steps</c>).</summary>
    public int LoggingSteps { get; init; } = 10;

    /// <summary>Checkpoint every this many optimizer steps (0 = only at the end). Default 500 (transformers <c>save_steps</c>).</summary>
    public int SaveSteps { get; init; } = 500;

    /// <summary>Checkpoints kept; older ones are deleted. 0 keeps all. Default 2.</summary>
    public int SaveTotalLimit { get; init; } = 2;

    /// <summary>Seed for the validation split and data order. Default 42 (transformers).</summary>
    public int Seed { get; init; } = 42;

    // ---- LoRA (TRL's ModelConfig keys, as open-r1's recipes write them) -------------------------------------------

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

    /// <summary>Checks the settings (<see cref="SftOptionsValidator"/>).</summary>
    /// <exception cref="ConfigurationException">Every invalid setting, each under its config key.</exception>
    public void Validate() => SftOptionsFile.Schema.ThrowIfInvalid(this, "SFT options");
}
