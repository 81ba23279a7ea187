using System.Text.Json.Serialization;
using R1Sharp.Models.Lora;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Rollouts;

namespace R1Sharp.Training.Configuration;

/// <summary>
/// Every setting of a GRPO run, in the habit of TRL's <c>GRPOConfig</c>: snake_case names in config files
/// (<c>num_generations</c>, <c>beta</c>, ...), each documented with its default and where it comes from.
/// Counting rule: <b>prompts</b> are data-set rows; <b>completions</b> are samples (G per prompt).
/// </summary>
public sealed record GrpoOptions : ILoraSettings
{
    // ---- batch shape -------------------------------------------------------------------------------------------

    /// <summary><c>num_generations</c> — G, completions sampled per prompt (the group). Paper 16; default 8 (the built-in toy). Must be ≥ 2: a group of one has no baseline.</summary>
    public int NumGenerations { get; init; } = 8;

    /// <summary><c>prompts_per_step</c> — prompts (rows) per optimizer step; the step trains on prompts_per_step × G completions. Default 16.</summary>
    public int PromptsPerStep { get; init; } = 16;

    /// <summary><c>gradient_accumulation_steps</c> — micro-batches a step's completions are split into, their gradients summed before one optimizer update (memory, not maths: the loss is normalised over the whole step); above the completions per step, each micro-batch holds one completion. Default (null): 16, or completions ÷ <c>per_device_train_batch_size</c> when that is set. 16 prompts × 8 completions then train 8 at a time (TRL's per_device_train_batch_size default), so the [completions, tokens, vocab] logits of a 150k vocabulary fit in 24 GiB. TRL.</summary>
    public int? GradientAccumulationSteps { get; init; }

    /// <summary><c>per_device_train_batch_size</c> — completions per forward/backward pass (a micro-batch), the memory knob TRL users set; the step's prompts_per_step × G completions are cut into micro-batches of this size (the last may be smaller). Default (null): from gradient_accumulation_steps. Set both only with per_device_train_batch_size × gradient_accumulation_steps = prompts_per_step × G, TRL's relation. TRL.</summary>
    public int? PerDeviceTrainBatchSize { get; init; }

    /// <summary>Micro-batches per step when neither batch key is set.</summary>
    public const int DefaultGradientAccumulationSteps = 16;

    /// <summary>The micro-batches one step's completions are split into (see <see cref="PerDeviceTrainBatchSize"/> and <see cref="GradientAccumulationSteps"/>).</summary>
    public int MicroBatchCount()
    {
        int completions = PromptsPerStep * NumGenerations;
        int count = PerDeviceTrainBatchSize is int size and > 0 ? (completions + size - 1) / size : GradientAccumulationSteps ?? DefaultGradientAccumulationSteps;
        return Math.Clamp(count, 1, Math.Max(1, completions));
    }

    /// <summary><c>num_iterations</c> — μ, optimisation passes over each sampled batch (GRPO paper's μ; TRL's num_iterations). With 1, π_old is the current policy (ratio 1, gradient still non-zero); above 1, π_old log-probs are kept from sampling time and clipping acts. Default 1.</summary>
    public int NumIterations { get; init; } = 1;

    /// <summary><c>max_steps</c> — optimizer steps of the run. Default 100.</summary>
    public int MaxSteps { get; init; } = 100;

    /// <summary><c>max_seconds</c> — time budget: the run ends after the first step at which its elapsed wall time (summed across resumes) reaches this many seconds; that step is checkpointed as a final one. <c>max_steps</c> stays the upper limit and the learning-rate schedule's horizon. 0 = no budget. Default 0.</summary>
    public double MaxSeconds { get; init; }

    // ---- objective ---------------------------------------------------------------------------------------------

    /// <summary><c>beta</c> — β, weight of the k3 KL to the frozen reference model. Paper 0.001. 0 loads no reference model and skips its forward pass (TRL's default since 0.19). Default 0.001.</summary>
    public double Beta { get; init; } = 0.001;

    /// <summary><c>epsilon</c> — ε_low, lower clip of the ratio. Paper (PPO) 0.2. Default 0.2.</summary>
    public double EpsilonLow { get; init; } = 0.2;

    /// <summary><c>epsilon_high</c> — ε_high, upper clip of the ratio; set above ε_low for DAPO's "clip-higher" (0.28). With loss_type = cispo it is the cap ε_max on the importance weight itself (TRL; ScaleRL recommends 5) and must exceed 1. Default 0.2.</summary>
    public double EpsilonHigh { get; init; } = 0.2;

    /// <summary><c>loss_type</c> — grpo (paper: per-completion token mean, then mean), dapo (token mean over the step), dr_grpo (sum / (max_completion_length × completions)), bnpo (token mean per micro-batch, TRL), cispo (clipped, detached importance weight × log-prob; MiniMax-M1), sapo (soft gate instead of the clip; SAPO). Default grpo.</summary>
    public GrpoLossType LossType { get; init; } = GrpoLossType.Grpo;

    /// <summary><c>scale_rewards</c> — group (paper: divide centred rewards by the group's std), batch (by the std of the step), none (Dr. GRPO). Default group.</summary>
    public AdvantageScaling ScaleRewards { get; init; } = AdvantageScaling.Group;

    /// <summary><c>mask_truncated_completions</c> — leave completions cut at max_completion_length out of the loss (DAPO's overlong filtering). Default false.</summary>
    public bool MaskTruncatedCompletions { get; init; }

    /// <summary><c>dynamic_sampling</c> — drop groups whose rewards all tie (advantage 0, no signal) and refill the step from the next prompts (DAPO). Default false.</summary>
    public bool DynamicSampling { get; init; }

    /// <summary><c>max_refills</c> — with dynamic_sampling, at most this many extra generation rounds per step before training on what there is. Default 3.</summary>
    public int MaxRefills { get; init; } = 3;

    /// <summary><c>reward_weights</c> — weight of each reward function by name in the total reward (TRL's reward_weights). Empty = every function weighs 1. Default empty.</summary>
    public IReadOnlyDictionary<string, double> RewardWeights { get; init; } = new Dictionary<string, double>();

    // issue 20: GRPO family --------------------------------------------------------------------------------------

    /// <summary><c>importance_sampling_level</c> — token (one ratio π_θ/π_old per token, the paper) or sequence (GSPO, Zheng et al. 2025: one length-normalised ratio per completion, <c>exp(mean_t log(π_θ/π_old))</c>, clipped with <c>sequence_epsilon</c>/<c>sequence_epsilon_high</c> instead of <c>epsilon</c>/<c>epsilon_high</c>). Acts only off-policy (num_iterations &gt; 1); with μ = 1 both give the same gradient. TRL. Default token.</summary>
    public ImportanceSamplingLevel ImportanceSamplingLevel { get; init; } = ImportanceSamplingLevel.Token;

    /// <summary><c>sequence_epsilon</c> — lower clip of GSPO's sequence ratio (importance_sampling_level = sequence): a length-normalised ratio moves far less than a token's, so GSPO clips at 3e-4, not 0.2 (paper v2 §5.1). TRL reuses <c>epsilon</c> here; R1Sharp keeps the two ranges apart so switching the level cannot leave a token-sized range in force. Default 3e-4.</summary>
    public double SequenceEpsilon { get; init; } = 3e-4;

    /// <summary><c>sequence_epsilon_high</c> — upper clip of GSPO's sequence ratio (paper v2 §5.1: 4e-4). Default 4e-4.</summary>
    public double SequenceEpsilonHigh { get; init; } = 4e-4;

    /// <summary><c>delta</c> — two-sided clipping (INTELLECT-2, 2025): the unclipped ratio is also capped at δ, which bounds the loss of tokens with a negative advantage whose ratio ran far above 1. veRL's dual-clip <c>clip_ratio_c</c> (Ye et al. 2020) is the same bound and is accepted as an alias. Must exceed 1 + ε_high; the clipped losses only (not cispo, sapo). TRL. Default null (off).</summary>
    public double? Delta { get; init; }

    /// <summary><c>sapo_temperature_pos</c> — τ of SAPO's soft gate for tokens with a positive advantage (loss_type = sapo; SAPO paper, 2025). TRL. Default 1.0.</summary>
    public double SapoTemperaturePos { get; init; } = 1.0;

    /// <summary><c>sapo_temperature_neg</c> — τ of SAPO's soft gate for tokens with a non-positive advantage; larger = the gate closes sooner. TRL. Default 1.05.</summary>
    public double SapoTemperatureNeg { get; init; } = 1.05;

    /// <summary><c>entropy_coef</c> — weight of an entropy bonus: the loss minus entropy_coef × the mean per-token entropy of the completion tokens that carry loss (the kept ones with top_entropy_quantile), whatever loss_type. Needs the entropy's gradient, which only the unchunked log-prob path has: requires logprob_chunk_size = 0. TRL (veRL's entropy_coeff). Default 0 (off).</summary>
    public double EntropyCoef { get; init; }

    /// <summary><c>top_entropy_quantile</c> — ρ of "Beyond the 80/20 rule" (Wang et al. 2025): the policy loss keeps only the top-ρ share of completion tokens by the entropy of their position's distribution (the "forking" tokens); the KL term keeps all. The threshold is taken over the whole step, from π_old's entropies, so micro-batching does not change it. 1 keeps every token, 0 only the highest-entropy one(s); the paper uses 0.2. TRL. Default 1.0.</summary>
    public double TopEntropyQuantile { get; init; } = 1.0;

    /// <summary><c>kl_loss_type</c> — the per-token KL estimator: k1 (log-ratio), k2 (half its square), k3 (the paper's, unbiased and ≥ 0), low_var_kl (k3 clamped to [−10, 10]). veRL's name (<c>kl_penalty</c>, veRL's name when the KL is in the reward, is accepted as an alias). Default k3.</summary>
    public KlEstimator KlLossType { get; init; } = KlEstimator.K3;

    /// <summary><c>use_kl_in_reward</c> — fold the KL into the reward instead of the loss: each completion's reward becomes r − β·Σ_t KL_t (over its tokens, between the policy that sampled it and π_ref), before advantages (veRL; InstructGPT's per-token KL reward). Requires beta &gt; 0. Default false (KL as a loss term, the paper).</summary>
    public bool UseKlInReward { get; init; }

    /// <summary><c>adv_estimator</c> — grpo (the paper; scaled by scale_rewards), rloo (leave-one-out baseline, G/(G−1)·(r − mean), unscaled) or reinforce_plus_plus_baseline (group mean, then divided by the std of the step). veRL. Default grpo.</summary>
    public AdvantageEstimator AdvEstimator { get; init; } = AdvantageEstimator.Grpo;

    /// <summary><c>sync_ref_model</c> — every ref_model_sync_steps steps, move π_ref towards the policy: π_ref ← α·π_θ + (1 − α)·π_ref (TR-DPO, Gorbatovski et al. 2024). The reference weights are then saved in each checkpoint (reference.safetensors) so a resumed run continues exactly. Requires beta &gt; 0 and no use_peft (as TRL). TRL. Default false.</summary>
    public bool SyncRefModel { get; init; }

    /// <summary><c>ref_model_mixup_alpha</c> — α of the reference update (TR-DPO); 1 copies the policy. TRL. Default 0.6.</summary>
    public double RefModelMixupAlpha { get; init; } = 0.6;

    /// <summary><c>ref_model_sync_steps</c> — τ of TR-DPO: steps between reference updates. TRL. Default 512.</summary>
    public int RefModelSyncSteps { get; init; } = 512;

    // ---- sampling ----------------------------------------------------------------------------------------------

    /// <summary><c>temperature</c> — sampling temperature of rollouts. Paper 1.0. Default 1.0.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary><c>top_p</c> — nucleus sampling of rollouts; 1 = off. Default 1.0.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary><c>max_prompt_length</c> — prompts longer than this (tokens) are cut from the left. Default 512.</summary>
    public int MaxPromptLength { get; init; } = 512;

    /// <summary><c>max_completion_length</c> — generation limit per completion (tokens); also Dr. GRPO's normaliser. Default 256.</summary>
    public int MaxCompletionLength { get; init; } = 256;

    // ---- optimizer ---------------------------------------------------------------------------------------------

    /// <summary><c>learning_rate</c> — AdamW peak learning rate. Paper 3e-6 (for billion-parameter models); tiny models need far more (the built-in zero preset uses ~1e-3). Default 3e-6.</summary>
    public double LearningRate { get; init; } = 3e-6;

    /// <summary><c>lr_scheduler_type</c> — constant, cosine or linear after warmup. Default constant.</summary>
    public LearningRateScheduleKind LrSchedulerType { get; init; } = LearningRateScheduleKind.Constant;

    /// <summary><c>warmup_steps</c> — steps of linear warmup from 0 to the peak (transformers' counting, see <see cref="Optimization.LearningRateSchedule"/>: step 1 runs at 0, step warmup_steps + 1 at the peak). Default 0.</summary>
    public int WarmupSteps { get; init; }

    /// <summary><c>min_learning_rate_ratio</c> — the decaying schedules decay towards this fraction of the peak (as transformers' <c>cosine_with_min_lr</c>). Default 0.1.</summary>
    public double MinLearningRateRatio { get; init; } = 0.1;

    /// <summary><c>weight_decay</c> — AdamW decoupled weight decay. TRL default 0. Default 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary><c>adam_beta1</c> — AdamW β1. Default 0.9.</summary>
    public double AdamBeta1 { get; init; } = 0.9;

    /// <summary><c>adam_beta2</c> — AdamW β2. Default 0.99 (TRL-style RL runs; transformers' default is 0.999).</summary>
    public double AdamBeta2 { get; init; } = 0.99;

    /// <summary><c>logprob_chunk_size</c> — positions whose logits are computed at once when taking log-probabilities of π_θ, π_old and π_ref (lm_head → log-softmax → gather a chunk at a time, forward and backward; values equal the unchunked path's), so a micro-batch's [completions, tokens, vocab] logits never exist: memory of one [chunk, vocab] float32 block instead. 0 = the whole micro-batch's logits at once. Default 256: with a 152k vocabulary one [256, vocab] float32 block is 148 MiB (grpo-memory benchmark, docs/memory.md). Liger-style fused linear log-probs; not a TRL option.</summary>
    public int LogprobChunkSize { get; init; } = 256;

    /// <summary><c>gradient_checkpointing</c> — recompute each decoder layer's activations in backward instead of keeping them (TRL/transformers' name): activation memory of one layer instead of all, for about one more forward pass per update; gradients equal. Default false.</summary>
    public bool GradientCheckpointing { get; init; }

    /// <summary><c>micro_batch_workers</c> — threads that train a step's micro-batches at once, each a contiguous share of them (its forwards and backwards, and the π_ref and π_old log-probs), with one torch thread each: on a 2-core machine run with one torch thread, a second core does half of the step's training. The workers' gradients are summed in a fixed order (ConcurrentMicroBatches), so a seed's run still repeats bit for bit; against one worker only rounding differs, never the maths (the split into micro-batches is gradient_accumulation_steps', unchanged). 0 = one per core that torch's threads leave free, at most 2, and 1 when several ranks share the machine or the model is on a GPU. Steps that cannot share their micro-batches run on one worker whatever the setting: a single micro-batch, gradient_checkpointing, MoE routing terms (router_aux_loss, router_bias_update_rate) and the rollout importance correction. Default 0. Not a TRL option: TRL spreads micro-batches over GPUs instead.</summary>
    public int MicroBatchWorkers { get; init; }

    /// <summary><c>max_grad_norm</c> — clip the global gradient norm to this; 0 = no clipping. Default 1.0.</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    // issue 16: MoE routing

    /// <summary><c>router_bias_update_rate</c> — γ of DeepSeek-V3's auxiliary-loss-free balancing (technical report §2.1.2): after every optimizer step each MoE layer's e_score_correction_bias moves by γ·sign(mean load − load of expert i), the load counted over the step's training tokens. deepseek_v3 with topk_method noaux_tc only. Default 0 = off (transformers never updates it); the paper uses 0.001. Qwen3-MoE's load-balancing loss needs no option: router_aux_loss_coef of the model's config.json weighs it (logged as router_aux_loss).</summary>
    public double RouterBiasUpdateRate { get; init; }

    /// <summary><c>dtype</c> — fp32 or bf16. Default fp32.</summary>
    public TrainingPrecision Dtype { get; init; } = TrainingPrecision.Fp32;

    // ---- run ---------------------------------------------------------------------------------------------------

    /// <summary><c>seed</c> — seeds the data order and every sampling call (step k uses a seed derived from seed and k, so a resumed run samples exactly as an uninterrupted one). Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary><c>save_steps</c> — write a checkpoint every this many steps (and always at the end); 0 = only at the end. Default 50.</summary>
    public int SaveSteps { get; init; } = 50;

    /// <summary><c>save_total_limit</c> — keep at most this many checkpoints (oldest deleted); 0 = keep all. Default 2.</summary>
    public int SaveTotalLimit { get; init; } = 2;

    /// <summary><c>eval_steps</c> — evaluate on the held-out set every this many steps; 0 = only before and after. Default 10.</summary>
    public int EvalSteps { get; init; } = 10;

    /// <summary><c>logging_steps</c> — write metrics every this many steps. Default 1.</summary>
    public int LoggingSteps { get; init; } = 1;

    /// <summary><c>device</c> — cpu, cuda or cuda:N. Default cpu.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary><c>skip_memory_check</c> — start even when the estimated memory of a step (<see cref="GrpoMemoryEstimate"/>) exceeds the memory available to the process; on CPU the check otherwise refuses such a run before the first step. Default false.</summary>
    public bool SkipMemoryCheck { get; init; }

    // issue 17: remote rollout backends ---------------------------------------------------------------------------

    /// <summary><c>rollout_backend</c> — the engine behind <c>--rollout-endpoints</c>: r1 (<c>r1 serve</c>), vllm or sglang; it decides how new weights are loaded (docs/serve.md). Ignored without endpoints. Default r1.</summary>
    public RolloutBackend RolloutBackend { get; init; } = RolloutBackend.R1;

    /// <summary><c>rollout_sync_dir</c> — folder the policy (with LoRA, the PEFT adapter) is written to for the servers to load; every server must read it at the same path (one machine, or a shared file system). Default (null): <c>rollout-weights</c> in the run directory.</summary>
    public string? RolloutSyncDir { get; init; }

    /// <summary><c>rollout_sync_steps</c> — push the policy to the servers every this many optimizer steps (TRL syncs every step); in between they sample with older weights, which the importance-sampling correction accounts for. Default 1.</summary>
    public int RolloutSyncSteps { get; init; } = 1;

    /// <summary><c>rollout_sync_timeout</c> — seconds one server may take to answer one weight-loading call before the run stops with an error naming it. Default 600.</summary>
    public double RolloutSyncTimeout { get; init; } = 600;

    /// <summary><c>rollout_lora_name</c> — with LoRA on vLLM, the adapter name it is loaded under and sampled with (<c>model</c>). Default r1sharp-policy.</summary>
    public string RolloutLoraName { get; init; } = "r1sharp-policy";

    /// <summary><c>rollout_pause_generation</c> — with SGLang, call <c>/pause_generation</c> before loading and <c>/continue_generation</c> after (SGLang versions that have them). Default false: the trainer sends no requests while it syncs.</summary>
    public bool RolloutPauseGeneration { get; init; }

    /// <summary><c>vllm_importance_sampling_correction</c> — reweight the loss by the ratio of the trainer's to the server's log-probs of the sampled tokens (truncated importance sampling), for rollouts from vllm or sglang, and for in-process rollouts whose rollout_dtype differs from the training forward's precision (issue 18); other in-process and r1 rollouts run R1Sharp's own kernels in the trainer's precision and are not corrected. Default true (TRL).</summary>
    public bool VllmImportanceSamplingCorrection { get; init; } = true;

    /// <summary><c>vllm_importance_sampling_mode</c> — token_truncate, token_mask, sequence_truncate or sequence_mask (<see cref="ImportanceSamplingMode"/>). Default sequence_mask (TRL).</summary>
    public ImportanceSamplingMode VllmImportanceSamplingMode { get; init; } = ImportanceSamplingMode.SequenceMask;

    /// <summary><c>vllm_importance_sampling_cap</c> — C: ratios above it are truncated to C or masked to 0. Default 3.0 (TRL).</summary>
    public double VllmImportanceSamplingCap { get; init; } = 3.0;

    // issue 17: data-parallel ------------------------------------------------------------------------------------

    /// <summary><c>distributed_backend</c> — collectives of a run started by <c>mpirun</c>/<c>srun</c>: auto (MPI under a launcher, else one process), mpi (host buffers; GPU tensors staged through the host), nccl (CUDA tensors reduced on the GPU, MPI for control), single (ignore the launcher). Default auto (Horovod's split). See docs/distributed.md.</summary>
    public string DistributedBackend { get; init; } = "auto";

    /// <summary><c>weight_check_steps</c> — with several ranks, every this many steps the ranks compare a SHA-256 of their trainable weights and stop the run if any differs from rank 0's; 0 = never. Default 10.</summary>
    public int WeightCheckSteps { get; init; } = 10;

    // issue 20: tools ----------------------------------------------------------------------------------------------

    /// <summary><c>tools</c> — tools the policy may call during rollouts (multi-turn rollouts, docs/grpo.md "Tools"): <c>python</c>
    /// runs a fenced <c>```python</c> block or a <c>&lt;tool_call&gt;</c> of the python tool in the bubblewrap sandbox. The
    /// output is appended as a tool message and masked out of the loss. Default empty: single-turn completions. In-process rollouts only.</summary>
    public IReadOnlyList<string> Tools { get; init => field = value is null || value.Count == 0 ? [] : value; } = []; // empty lists all compare equal (record equality)

    /// <summary><c>max_tool_calling_iterations</c> — most tool calls per completion (TRL's name); a call past it ends the completion
    /// unanswered. Every call also spends <c>max_completion_length</c>, which counts tool output too. Default 5.</summary>
    public int MaxToolCallingIterations { get; init; } = 5;

    /// <summary><c>tool_timeout</c> — wall-clock seconds one tool call may take; then the model sees a timeout message. Default 10.</summary>
    public double ToolTimeout { get; init; } = 10;

    /// <summary><c>tool_output_max_bytes</c> — most UTF-8 bytes of one tool output the model sees (the rest is cut with a note). Default 2048.</summary>
    public int ToolOutputMaxBytes { get; init; } = 2048;

    // issue 18: bf16 mixed precision and rollout dtype -------------------------------------------------------------

    /// <summary><c>bf16</c> — bf16 mixed precision (TRL's <c>bf16</c>, as PyTorch autocast): forward and backward run on a bfloat16 copy of the policy (the CPU's bf16 matmuls), while the float32 master weights, AdamW's moments, the gradient sums, the log-softmax of the log-probs, the norms, the loss and the checkpoints stay float32; the copy is refreshed after every optimizer step. With LoRA the base runs in bf16 and the adapters (float32 masters) are shared. Needs dtype fp32; the frozen reference is kept in bf16 (unless sync_ref_model). Default false.</summary>
    public bool Bf16 { get; init; }

    /// <summary><c>rollout_dtype</c> — float32 or bfloat16: the precision in-process rollouts sample in. bfloat16 samples from a bf16 copy of the policy refreshed after every optimizer step (with bf16: true, the training copy itself). When it differs from the training forward's precision, the mismatch is corrected as for vLLM (vllm_importance_sampling_correction, sampling/* metrics). Default float32.</summary>
    public RolloutDtype RolloutDtype { get; init; } = RolloutDtype.Float32;

    // ---- LoRA (TRL's ModelConfig keys, as open-r1's recipes write them) -------------------------------------------

    /// <summary><c>use_peft</c> — train LoRA adapters instead of every weight: the base is frozen, only the adapters get gradients and AdamW state, checkpoints hold the adapter in PEFT's format, and π_ref is the policy with its adapters off (no second copy). Default false (TRL).</summary>
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
}
