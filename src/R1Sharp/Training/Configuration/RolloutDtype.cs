namespace R1Sharp.Training.Configuration;

/// <summary>Precision in-process rollouts sample in (<c>rollout_dtype</c>, issue 18).</summary>
public enum RolloutDtype
{
    /// <summary>The float32 policy itself (default).</summary>
    Float32,

    /// <summary>A bfloat16 copy of the policy, refreshed after every optimizer step: the CPU's bf16 matmuls at half the
    /// weight traffic, and a rollout–trainer mismatch that <c>vllm_importance_sampling_correction</c> corrects.</summary>
    Bfloat16,
}
