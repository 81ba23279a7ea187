namespace R1Sharp.Training.Grpo;

/// <summary>
/// Per-token estimator of KL(π_θ‖π_ref) from the sampled token's log-probabilities (Schulman 2020, "Approximating KL
/// divergence"; veRL's <c>kl_loss_type</c> / <c>kl_penalty</c> values), with x = log π_θ − log π_ref.
/// </summary>
public enum KlEstimator
{
    /// <summary><c>k1 = x</c>: unbiased, high variance, can be negative per token.</summary>
    K1,

    /// <summary><c>k2 = x²/2</c>: biased, low variance, never negative.</summary>
    K2,

    /// <summary><c>k3 = e^(−x) + x − 1</c>: unbiased, low variance, never negative (the GRPO paper's; the log-ratio clamped to ±20).</summary>
    K3,

    /// <summary>veRL's <c>low_var_kl</c>: k3 with the result clamped to [−10, 10], so one runaway token cannot dominate the step.</summary>
    LowVarKl,
}
