namespace R1Sharp.Pipeline;

/// <summary>How <c>r1 pipeline</c>'s pre-training corpus mixes English and Lingua, and how much chat it holds.</summary>
/// <param name="CheckingMixRate">Share of self-checking reasoning documents that are code-switched. Default 0.7.</param>
/// <param name="PlainMixRate">Share of the other reasoning documents that are code-switched. Default 0.15.</param>
/// <param name="MixedShare">In a code-switched document, the chance that any one word is Lingua. Default 0.6.</param>
/// <param name="ChatShare">Share of documents that are chat (the non-reasoning task). Default 0.15.</param>
/// <param name="CorpusChatGoodRate">Share of the corpus' chat responses that help fully (the rest are noisy). Default 0.4.</param>
public sealed record LanguageMix(double CheckingMixRate = 0.7, double PlainMixRate = 0.15, double MixedShare = 0.6, double ChatShare = 0.15,
    double CorpusChatGoodRate = 0.4);
