namespace R1Sharp.Pipeline;

/// <summary>
/// The stages of <c>r1 pipeline</c> in order, and the checkpoint each one starts from (DeepSeek-R1 §2.3): the cold
/// start fine-tunes the base; reasoning RL trains the cold-start model; rejection-sampling SFT samples the RL model but
/// fine-tunes <b>the cold-start checkpoint</b> (the paper retrains from DeepSeek-V3-Base on the new data, not from the
/// RL model); RL for all scenarios trains the rejection-SFT model.
/// </summary>
public static class PipelineStages
{
    /// <summary>The pre-trained base model.</summary>
    public const string Base = "base";

    /// <summary>Stage 1: SFT on long readable chains of thought.</summary>
    public const string ColdStart = "cold_start";

    /// <summary>Stage 2: GRPO with accuracy, format and language-consistency rewards.</summary>
    public const string ReasoningRl = "reasoning_rl";

    /// <summary>Stage 3: rejection sampling of the stage-2 model plus chat data, SFT of the stage-1 checkpoint.</summary>
    public const string RejectionSft = "rejection_sft";

    /// <summary>Stage 4: GRPO with rule rewards on reasoning prompts and the reward model on chat prompts.</summary>
    public const string AllScenarioRl = "all_scenario_rl";

    /// <summary>The ablation arm: stage 2 without the language-consistency reward (not part of the chain).</summary>
    public const string ReasoningRlWithoutLanguage = "reasoning_rl_without_language";

    /// <summary>The reward model (trained on the base model before any stage is evaluated; the judge of every stage).</summary>
    public const string RewardModel = "reward_model";

    /// <summary>The stages in order, base first (the order of summary.json's <c>stages</c>).</summary>
    public static IReadOnlyList<string> Order { get; } = [Base, ColdStart, ReasoningRl, RejectionSft, AllScenarioRl];

    /// <summary>The stage whose final model a stage starts from (null for the base, which starts from random weights).</summary>
    /// <exception cref="ArgumentException">Not a stage name.</exception>
    public static string? StartsFrom(string stage) => stage switch
    {
        Base => null,
        ColdStart => Base,
        ReasoningRl or ReasoningRlWithoutLanguage => ColdStart,
        RejectionSft => ColdStart,
        AllScenarioRl => RejectionSft,
        _ => throw new ArgumentException($"unknown pipeline stage '{stage}'", nameof(stage)),
    };

    /// <summary>The stage whose model a stage samples for its data (rejection SFT samples the reasoning-RL model), or null.</summary>
    public static string? SamplesFrom(string stage) => stage == RejectionSft ? ReasoningRl : null;
}
