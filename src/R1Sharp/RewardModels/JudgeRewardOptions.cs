namespace R1Sharp.RewardModels;

/// <summary>Settings of <see cref="JudgeReward"/> (the options of <c>judge(...)</c> in a reward list, docs/reward-models.md).</summary>
public sealed record JudgeRewardOptions
{
    /// <summary><c>name</c>: the reward's name in metrics (<c>&lt;name&gt;/failures</c>) and weights. Default <c>judge</c>.</summary>
    public string Name { get; init; } = "judge";

    /// <summary><c>mode</c>: verdict (1/0) or score (0..10 → 0..1). Default verdict.</summary>
    public JudgeMode Mode { get; init; } = JudgeMode.Verdict;

    /// <summary><c>section</c>: the part of the completion the judge sees. Default summary (the answer after the reasoning, as R1's judge compared predictions).</summary>
    public CompletionSection Section { get; init; } = CompletionSection.Summary;

    /// <summary><c>template</c>: a template file (<see cref="JudgePromptTemplate"/>); null for the mode's built-in one.</summary>
    public JudgePromptTemplate? Template { get; init; }

    /// <summary><c>question_field</c>: the row field holding the question; null = the first of prompt, problem, question, else the prompt as the policy saw it.</summary>
    public string? QuestionField { get; init; }

    /// <summary><c>reference_field</c>: the row field holding the reference answer, if the row has one. Default <c>answer</c>.</summary>
    public string ReferenceField { get; init; } = "answer";

    /// <summary><c>on_failure</c>: exclude, fallback or error (<see cref="JudgeFailurePolicy"/>). Default exclude.</summary>
    public JudgeFailurePolicy OnFailure { get; init; } = JudgeFailurePolicy.Exclude;

    /// <summary><c>fallback</c>: the score of a failed judgement with on_failure=fallback. Default 0.</summary>
    public double Fallback { get; init; }

    /// <summary><c>max_concurrency</c>: judge requests in flight at once. Default 4.</summary>
    public int MaxConcurrency { get; init; } = 4;

    /// <summary><c>max_tokens</c>: the judge's reply limit. Default 1024 (room for a reasoning judge's thoughts).</summary>
    public int MaxTokens { get; init; } = 1024;

    /// <summary><c>temperature</c>: the judge's sampling temperature. Default 0 (deterministic where the server allows).</summary>
    public double Temperature { get; init; }
}
