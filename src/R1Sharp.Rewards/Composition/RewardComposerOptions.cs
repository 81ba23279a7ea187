namespace R1Sharp.Rewards.Composition;

/// <summary>Options of <see cref="RewardComposer"/>.</summary>
public sealed record RewardComposerOptions
{
    /// <summary>
    /// How many (completion, function) scorings may run at once. Default <see cref="Environment.ProcessorCount"/>:
    /// the rule-based rewards are CPU-bound. Raise it when a reward mostly awaits I/O (a remote judge, a sandbox pool).
    /// </summary>
    public int MaxConcurrency { get; init; } = Environment.ProcessorCount;
}
