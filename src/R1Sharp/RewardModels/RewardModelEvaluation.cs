namespace R1Sharp.RewardModels;

/// <summary>A reward model on held-out pairs.</summary>
/// <param name="Pairs">Pairs scored.</param>
/// <param name="Accuracy">Share whose chosen response scored strictly above the rejected one.</param>
/// <param name="Loss">Mean Bradley–Terry loss (without the centring term).</param>
/// <param name="MeanMargin">Mean r_chosen − r_rejected.</param>
/// <param name="MeanChosen">Mean score of the chosen responses.</param>
/// <param name="MeanRejected">Mean score of the rejected responses.</param>
public sealed record RewardModelEvaluation(int Pairs, double Accuracy, double Loss, double MeanMargin, double MeanChosen, double MeanRejected)
{
    /// <summary>Scores <paramref name="pairs"/> with <paramref name="model"/> (no gradients).</summary>
    public static RewardModelEvaluation Of(RewardModel model, IReadOnlyList<TokenizedPair> pairs, int padId, int batchSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0) return new RewardModelEvaluation(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        var scores = model.Score([.. pairs.Select(p => p.Chosen), .. pairs.Select(p => p.Rejected)], padId, batchSize, cancellationToken);
        var chosen = scores.Take(pairs.Count).ToArray();
        var rejected = scores.Skip(pairs.Count).ToArray();
        var margins = chosen.Zip(rejected, (c, r) => c - r).ToArray();
        // −log σ(m) = log(1 + e^(−m)), written to stay finite for large |m|.
        double loss = margins.Average(m => m > 0 ? Math.Log(1 + Math.Exp(-m)) : -m + Math.Log(1 + Math.Exp(m)));
        return new RewardModelEvaluation(pairs.Count, BradleyTerryLoss.Accuracy(chosen, rejected), loss, margins.Average(), chosen.Average(), rejected.Average());
    }
}
