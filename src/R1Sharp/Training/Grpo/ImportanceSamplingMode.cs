namespace R1Sharp.Training.Grpo;

/// <summary>
/// How the rollout–trainer importance ratio is formed and bounded (TRL's <c>vllm_importance_sampling_mode</c>): per token or
/// one ratio per completion, and a ratio above the cap either truncated to the cap or masked to zero.
/// </summary>
public enum ImportanceSamplingMode
{
    /// <summary>Per token, <c>min(ρ_t, C)</c> (truncated importance sampling, Yao et al. 2025).</summary>
    TokenTruncate,

    /// <summary>Per token, <c>ρ_t</c> when at most C, else 0.</summary>
    TokenMask,

    /// <summary>One ratio per completion (exp of the summed log-ratio over its tokens), <c>min(ρ, C)</c>, applied to all its tokens.</summary>
    SequenceTruncate,

    /// <summary>One ratio per completion, 0 when above C (TRL's default).</summary>
    SequenceMask,
}
