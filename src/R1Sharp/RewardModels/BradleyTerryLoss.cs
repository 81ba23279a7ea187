using R1Sharp.TorchInterop;
using static TorchSharp.torch;

namespace R1Sharp.RewardModels;

/// <summary>
/// The pairwise loss of a reward model (Bradley–Terry; Ouyang et al. 2022, eq. 1; TRL's RewardTrainer):
/// <c>−log σ(r_chosen − r_rejected)</c> per pair, plus TRL's optional <c>center_rewards_coefficient × (r_chosen + r_rejected)²</c>
/// (Eisenstein et al. 2023), which keeps the scores centred on zero. Summed over a micro-batch and divided by the
/// pairs of the whole optimizer step, so gradient accumulation equals one large batch.
/// Gradient per pair: ∂/∂r_chosen = −σ(r_rejected − r_chosen) + 2c(r_chosen + r_rejected), ∂/∂r_rejected = σ(r_rejected − r_chosen) + 2c(r_chosen + r_rejected).
/// </summary>
public static class BradleyTerryLoss
{
    /// <summary>The loss of the pairs, divided by <paramref name="pairsInStep"/>.</summary>
    /// <param name="chosen">Scores of the chosen responses [N].</param>
    /// <param name="rejected">Scores of the rejected responses [N].</param>
    /// <param name="centerCoefficient">TRL's <c>center_rewards_coefficient</c>; 0 = off.</param>
    /// <param name="pairsInStep">Pairs of the whole optimizer step (N for one micro-batch).</param>
    /// <returns>A scalar tensor with the graph of the scores.</returns>
    public static Tensor Compute(Tensor chosen, Tensor rejected, double centerCoefficient, long pairsInStep)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        ArgumentNullException.ThrowIfNull(rejected);
        ArgumentOutOfRangeException.ThrowIfLessThan(pairsInStep, 1);
        using var scope = NewDisposeScope();
        // −log σ(x), which libtorch computes stably for large |x| (TorchSharp's softplus converts its β implicitly).
        var loss = nn.functional.logsigmoid(chosen - rejected).neg().sum();
        if (centerCoefficient != 0) loss = loss.Plus(chosen.Plus(rejected).pow(HeldScalars.Two).sum().Times(centerCoefficient));
        return loss.DividedBy(pairsInStep).MoveToOuterDisposeScope();
    }

    /// <summary>The share of pairs whose chosen response scores strictly above the rejected one (TRL's <c>accuracy</c>).</summary>
    public static double Accuracy(IReadOnlyList<double> chosen, IReadOnlyList<double> rejected)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        ArgumentNullException.ThrowIfNull(rejected);
        if (chosen.Count != rejected.Count) throw new ArgumentException($"{chosen.Count} chosen scores but {rejected.Count} rejected ones");
        if (chosen.Count == 0) return 0;
        return chosen.Zip(rejected).Count(p => p.First > p.Second) / (double)chosen.Count;
    }
}
