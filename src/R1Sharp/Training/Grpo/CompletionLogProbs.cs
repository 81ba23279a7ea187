using R1Sharp.Models;
using static TorchSharp.torch;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// The one place GRPO turns a policy and a micro-batch into per-token log-probabilities of the completion tokens, for
/// π_θ, π_old and π_ref alike: the logits are divided by the sampling temperature before the log-softmax (as TRL does),
/// so the values are those of the distribution the rollouts were drawn from (before top-p, top-k and min-p, which
/// TRL does not apply either). With a chunk size, the log-probs come from the hidden states a chunk of positions at a
/// time (<see cref="ChunkedTokenLogProbs"/>) and the [b, C, V] logits are never built.
/// </summary>
/// <param name="Temperature">The rollouts' sampling temperature (GRPO's <c>temperature</c>).</param>
/// <param name="ChunkSize">Positions projected to the vocabulary at once; 0 = the whole micro-batch's logits at once.</param>
public sealed record CompletionLogProbs(double Temperature, int ChunkSize)
{
    /// <summary>log π(target) [b, C] (float32), differentiable when gradients are on; entropy [b, C] without gradients when asked.</summary>
    /// <param name="model">The policy.</param>
    /// <param name="input">Input ids [b, P + C − 1] (<see cref="TrainingRows.Slice"/>).</param>
    /// <param name="mask">Attention mask of the input.</param>
    /// <param name="targets">Completion tokens [b, C].</param>
    /// <param name="withEntropy">Also compute each position's entropy at the same temperature (a metric).</param>
    /// <param name="entropyGradient">Keep the entropy differentiable (the <c>entropy_coef</c> bonus); only without chunking.</param>
    public (Tensor LogProbs, Tensor? Entropy) Compute(CausalLanguageModel model, Tensor input, Tensor mask, Tensor targets, bool withEntropy = false, bool entropyGradient = false)
    {
        if (entropyGradient && ChunkSize > 0)
            throw new NotSupportedException("the entropy bonus needs the entropy's gradient, which the chunked log-prob path does not compute; set logprob_chunk_size: 0");
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(targets);
        using var scope = NewDisposeScope();
        int keep = (int)targets.shape[1];
        Tensor logProbs;
        Tensor? entropy = null;
        if (ChunkSize > 0)
        {
            var hidden = model.HiddenStates(input, mask, null, keep);
            (logProbs, entropy) = ChunkedTokenLogProbs.GatherWithEntropy(hidden, model.OutputWeight, targets, Temperature, ChunkSize, withEntropy, model.LogitScratch);
        }
        else
        {
            var logits = model.Forward(input, mask, null, keep);
            logProbs = TokenLogProbs.Gather(logits, targets, Temperature);
            if (entropyGradient)
                entropy = TokenLogProbs.Entropy(logits, Temperature);
            else if (withEntropy)
                using (no_grad())
                    entropy = TokenLogProbs.Entropy(logits.detach(), Temperature);
        }
        return (logProbs.MoveToOuterDisposeScope(), entropy?.MoveToOuterDisposeScope());
    }
}
