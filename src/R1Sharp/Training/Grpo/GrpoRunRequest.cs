namespace R1Sharp.Training.Grpo;

/// <summary>A GRPO run on a Hugging Face checkpoint and a data set (what <c>r1 grpo</c> asks for).</summary>
/// <param name="ModelDirectory">Hugging Face checkpoint directory (config.json, *.safetensors, tokenizer files).</param>
/// <param name="DataPath">JSONL, JSON or Parquet data set.</param>
/// <param name="OutputDirectory">Run directory.</param>
/// <param name="Options">GRPO options.</param>
/// <param name="RewardSpec">Reward list, <c>name[:weight],...</c> as understood by the reward registry (default <c>format:0.1,accuracy:1</c>).</param>
/// <param name="Template">Prompt template (default R1-Zero).</param>
/// <param name="PromptField">Row field holding the question; null = the first of <c>prompt</c>, <c>problem</c>, <c>question</c>.</param>
/// <param name="Resume">Continue from the newest checkpoint in <paramref name="OutputDirectory"/>.</param>
/// <param name="RemoteRollouts">When set (with endpoints), generation goes to these OpenAI-compatible servers and the
/// policy is pushed to them after every update (docs/serve.md); null samples in-process.</param>
/// <param name="Overwrite">Without <paramref name="Resume"/>: delete the checkpoints and logs an earlier run left in
/// <paramref name="OutputDirectory"/> instead of refusing to start.</param>
/// <param name="ResumeFrom">With <paramref name="Resume"/>: a checkpoint directory to continue from instead of the newest one.</param>
public sealed record GrpoRunRequest(
    string ModelDirectory,
    string DataPath,
    string OutputDirectory,
    Configuration.GrpoOptions Options,
    string RewardSpec = "format:0.1,accuracy:1",
    PromptTemplateKind Template = PromptTemplateKind.R1Zero,
    string? PromptField = null,
    bool Resume = false,
    Rollouts.RemoteRolloutOptions? RemoteRollouts = null,
    bool Overwrite = false,
    string? ResumeFrom = null)
{
    /// <summary>Where the names of <see cref="RewardSpec"/> are looked up; null for the built-in rewards. The command
    /// line passes one that also knows the model-based rewards (<c>reward_model</c>, <c>judge</c>; docs/reward-models.md).</summary>
    public R1Sharp.Rewards.Composition.RewardRegistry? RewardRegistry { get; init; }
}
