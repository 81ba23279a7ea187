namespace R1Sharp.Pipeline;

/// <summary>One entry of summary.json's <c>stages</c>.</summary>
/// <param name="Name">base, cold_start, reasoning_rl, rejection_sft or all_scenario_rl.</param>
/// <param name="Pass1">Reasoning pass@1 on the held-out problems, in [0, 1].</param>
/// <param name="LanguageConsistency">Mean share of English words in the chains of thought, in [0, 1].</param>
/// <param name="RmScore">Mean reward-model score on the held-out chat prompts.</param>
/// <param name="MeanLength">Mean reasoning completion length (tokens).</param>
public sealed record StageFigures(string Name, double Pass1, double LanguageConsistency, double RmScore, double MeanLength)
{
    /// <summary>Pass@1 of each reasoning family, in [0, 1] (<see cref="StageEvaluation.Pass1ByFamily"/>).</summary>
    public IReadOnlyDictionary<string, double> Pass1ByFamily { get; init; } = new Dictionary<string, double>();
}
