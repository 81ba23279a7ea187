namespace R1Sharp.Generation;

/// <summary>Accumulates one row's tokens and log-probs while it is being generated.</summary>
internal sealed class SequenceBuilder(int promptIndex, bool keepSamplingLogProbs)
{
    private readonly List<float> _logProbs = [];
    private readonly List<float>? _samplingLogProbs = keepSamplingLogProbs ? [] : null;

    public int PromptIndex { get; } = promptIndex;

    public List<int> Tokens { get; } = [];

    public void Add(int token, float logProb, float samplingLogProb)
    {
        Tokens.Add(token);
        _logProbs.Add(logProb);
        _samplingLogProbs?.Add(samplingLogProb);
    }

    public GeneratedSequence Finish(FinishReason reason, string? stop) =>
        new(PromptIndex, [.. Tokens], [.. _logProbs], _samplingLogProbs?.ToArray(), reason, stop);
}
