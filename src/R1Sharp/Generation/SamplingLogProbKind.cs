namespace R1Sharp.Generation;

/// <summary>Which distribution <see cref="GeneratedSequence.SamplingLogProbs"/> reports the sampled tokens under.</summary>
public enum SamplingLogProbKind
{
    /// <summary>Not computed (<see cref="GeneratedSequence.SamplingLogProbs"/> is null).</summary>
    None,

    /// <summary>log_softmax(logits / temperature): TRL's GRPOTrainer convention for old/reference log-probs.</summary>
    TemperatureScaled,

    /// <summary>The distribution actually sampled from: temperature, then top-k, top-p and min-p (vLLM's "processed_logprobs").</summary>
    Processed,
}
