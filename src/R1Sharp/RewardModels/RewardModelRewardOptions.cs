namespace R1Sharp.RewardModels;

/// <summary>Settings of <see cref="RewardModelReward"/> (the options of <c>reward_model(...)</c> in a reward list).</summary>
public sealed record RewardModelRewardOptions
{
    /// <summary><c>name</c>: the reward's name in metrics and weights; give two reward models different names (helpfulness, harmlessness). Default <c>reward_model</c>.</summary>
    public string Name { get; init; } = "reward_model";

    /// <summary><c>section</c>: whole (harmlessness) or summary (helpfulness). Default whole.</summary>
    public CompletionSection Section { get; init; } = CompletionSection.Whole;

    /// <summary><c>normalize</c>: none, sigmoid, group or batch. Default none.</summary>
    public ScoreNormalization Normalization { get; init; } = ScoreNormalization.None;

    /// <summary><c>batch_size</c>: sequences per forward pass. Default 16.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary><c>max_length</c>: longer texts keep their last this many tokens. Default 2048.</summary>
    public int MaxLength { get; init; } = 2048;

    /// <summary><c>on_failure</c>: what a completion the scorer failed on gets (a server that did not answer after its
    /// retries): exclude (the group's mean), fallback or error. Default exclude. In-process scoring does not fail.</summary>
    public JudgeFailurePolicy OnFailure { get; init; } = JudgeFailurePolicy.Exclude;

    /// <summary><c>fallback</c>: the raw score a failed completion gets under <c>on_failure=fallback</c>. Default 0.</summary>
    public double Fallback { get; init; }
}
