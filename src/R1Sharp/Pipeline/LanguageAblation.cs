using R1Sharp.Evaluation.Metrics;

namespace R1Sharp.Pipeline;

/// <summary>Stage 2 trained twice from one cold start, with and without the language-consistency reward.</summary>
/// <param name="With">Held-out figures with the reward (the pipeline's stage 2).</param>
/// <param name="Without">Held-out figures without it.</param>
/// <param name="MixedRateWith">Share of chains of thought holding a Lingua word, with the reward.</param>
/// <param name="MixedRateWithout">The same without it.</param>
/// <param name="ConsistencyGain">Language consistency with minus without, paired over problems.</param>
/// <param name="Pass1Cost">pass@1 with minus without, paired over problems (the paper reports a slight loss).</param>
public sealed record LanguageAblation(StageFigures With, StageFigures Without, double MixedRateWith, double MixedRateWithout,
    PairedDifference ConsistencyGain, PairedDifference Pass1Cost);
