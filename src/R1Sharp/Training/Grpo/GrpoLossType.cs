namespace R1Sharp.Training.Grpo;

/// <summary>The per-token objective and how its terms are reduced to one loss value (TRL's <c>loss_type</c>).</summary>
public enum GrpoLossType
{
    /// <summary>
    /// The paper's objective: mean over each completion's tokens, then mean over completions
    /// (veRL "seq-mean-token-mean"). Long completions weigh as much as short ones in total, so each of their tokens weighs less.
    /// </summary>
    Grpo,

    /// <summary>Sum over every completion token of the batch divided by the number of those tokens (DAPO / veRL "token-mean").</summary>
    Dapo,

    /// <summary>Sum over every token divided by a constant: <c>max_completion_length × number of completions</c> (Dr. GRPO).</summary>
    DrGrpo,

    /// <summary>
    /// Token mean over each micro-batch (TRL's "bnpo": normalised by the tokens of the local batch), then the mean over
    /// the step's micro-batches; the clipped surrogate. With one micro-batch it equals <see cref="Dapo"/>.
    /// </summary>
    Bnpo,

    /// <summary>
    /// CISPO (MiniMax-M1, 2025): <c>−sg(min(ρ, ε_max))·A·log π_θ</c> — the importance weight itself is clipped and
    /// detached, so every token keeps a gradient (no token is dropped by clipping); token mean over the step as <see cref="Dapo"/>.
    /// </summary>
    Cispo,

    /// <summary>
    /// SAPO (Soft Adaptive Policy Optimization, 2025): <c>−(4/τ)·σ(τ(ρ − 1))·A</c>, a smooth gate in place of the hard clip
    /// (τ per advantage sign); reduced as <see cref="Grpo"/>.
    /// </summary>
    Sapo,
}
