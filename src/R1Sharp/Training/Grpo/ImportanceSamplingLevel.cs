namespace R1Sharp.Training.Grpo;

/// <summary>What the importance weight π_θ/π_old is taken over (TRL's <c>importance_sampling_level</c>).</summary>
public enum ImportanceSamplingLevel
{
    /// <summary>One ratio per token, <c>ρ_{i,t} = π_θ(y_{i,t}) / π_old(y_{i,t})</c> (the GRPO paper).</summary>
    Token,

    /// <summary>
    /// One ratio per completion, the length-normalised sequence ratio of GSPO (Zheng et al. 2025, Qwen):
    /// <c>s_i = exp((1/|y_i|) Σ_t log(π_θ/π_old))</c>, shared by the completion's tokens and clipped with GSPO's own, far
    /// narrower range (<c>sequence_epsilon</c>, <c>sequence_epsilon_high</c>).
    /// </summary>
    Sequence,
}
