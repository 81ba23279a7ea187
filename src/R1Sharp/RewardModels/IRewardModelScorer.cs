namespace R1Sharp.RewardModels;

/// <summary>
/// Scores texts (prompt + response) with a reward model: in-process (<see cref="LocalRewardModelScorer"/>) or over
/// HTTP from a server that speaks vLLM's <c>/classify</c> protocol (<see cref="ClassifyEndpointScorer"/>: vLLM,
/// SGLang, or <c>r1 serve</c> on a reward-model checkpoint).
/// </summary>
public interface IRewardModelScorer : IDisposable
{
    /// <summary>Where the scores come from, for logs and errors.</summary>
    string Description { get; }

    /// <summary>The raw score of each text, in order; a text that could not be scored gets null and a problem.</summary>
    Task<RewardModelScoring> ScoreAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}
