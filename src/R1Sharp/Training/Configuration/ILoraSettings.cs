namespace R1Sharp.Training.Configuration;

/// <summary>
/// The LoRA keys of TRL's <c>ModelConfig</c>, as open-r1's recipes write them, shared by the GRPO, SFT and
/// reward-model options: each options record declares them (flat keys, as TRL's configs have them) and
/// documents them here. <see cref="LoraSettings.ToLoraOptions"/> turns them into the adapter settings.
/// </summary>
public interface ILoraSettings
{
    /// <summary><c>use_peft</c>: train LoRA adapters instead of every weight: the base is frozen, only the adapters (and
    /// a reward model's head) get gradients and AdamW state, and checkpoints hold the adapter in PEFT's format. Default false (TRL).</summary>
    bool UsePeft { get; }

    /// <summary><c>lora_r</c>: adapter rank r. Default 16 (TRL).</summary>
    int LoraRank { get; }

    /// <summary><c>lora_alpha</c>: the update is scaled by lora_alpha / r (/ √r with use_rslora). Default 32 (TRL).</summary>
    double LoraAlpha { get; }

    /// <summary><c>lora_dropout</c>: dropout on the adapters' input while training. Default 0.05 (TRL).</summary>
    double LoraDropout { get; }

    /// <summary><c>lora_target_modules</c>: q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj or all-linear (a
    /// list, or one comma-separated string). Empty = the architecture's default: q_proj, v_proj (PEFT's), or for
    /// deepseek_v3 its attention projections q_a_proj, q_b_proj (q_proj without q_lora_rank), kv_a_proj_with_mqa,
    /// kv_b_proj, o_proj.</summary>
    string LoraTargetModules { get; }

    /// <summary><c>use_rslora</c>: rank-stabilised scaling lora_alpha / √r (Kalajdzievski 2023). Default false (TRL).</summary>
    bool UseRslora { get; }
}
