using R1Sharp.Rewards;

namespace R1Sharp.Training.Grpo;

/// <summary>Scores completions with every reward function in parallel and combines them with the configured weights.</summary>
/// <param name="functions">The reward functions.</param>
/// <param name="weights">Weight by function name; missing names weigh 1.</param>
public sealed class RewardScorer(IReadOnlyList<IRewardFunction> functions, IReadOnlyDictionary<string, double> weights)
{
    /// <summary>The functions, in order.</summary>
    public IReadOnlyList<IRewardFunction> Functions => functions;

    /// <summary>Scores every input with every function.</summary>
    public async Task<RewardScores> ScoreAsync(IReadOnlyList<RewardInput> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var perFunction = new Dictionary<string, double?[]>(StringComparer.Ordinal);
        var total = new double[inputs.Count];
        foreach (var function in functions)
        {
            var scores = await Task.WhenAll(inputs.Select(i => function.ScoreAsync(i, cancellationToken).AsTask())).ConfigureAwait(false);
            perFunction[function.Name] = scores;
            double weight = weights.TryGetValue(function.Name, out double w) ? w : 1.0;
            for (int i = 0; i < scores.Length; i++) total[i] += weight * (scores[i] ?? 0);
        }
        return new RewardScores(total, perFunction);
    }
}
