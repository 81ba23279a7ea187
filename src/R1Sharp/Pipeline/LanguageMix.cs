namespace R1Sharp.Pipeline;

/// <summary>
/// How <c>r1 pipeline</c>'s world mixes English and Lingua: in the pre-training corpus (code-switched English
/// reasoning, and questions asked in Lingua and answered mostly in Lingua), in the prompts of RL, rejection sampling and
/// evaluation (asked in either language, as the paper's multilingual RL prompts are), and how much chat the corpus holds.
/// </summary>
/// <param name="CheckingMixRate">Share of self-checking English reasoning documents that are code-switched. Default 0.7.</param>
/// <param name="PlainMixRate">Share of the other English reasoning documents that are code-switched. Default 0.15.</param>
/// <param name="MixedShare">In a code-switched document, the chance that any one word is Lingua. Default 0.6.</param>
/// <param name="ChatShare">Share of documents that are chat (the non-reasoning task). Default 0.15.</param>
/// <param name="CorpusChatGoodRate">Share of the corpus' chat responses that help fully (the rest are noisy). Default 0.4.</param>
/// <param name="LinguaQuestionRate">Share of reasoning documents whose question is asked in Lingua. Default 0.3.</param>
/// <param name="LinguaAnswerShare">In the answer to a Lingua question, the chance that any one word is Lingua. Default 0.7 (the base model then mixes English words into Lingua reasoning, the mixing the cold start and the language reward remove).</param>
/// <param name="PromptLinguaRate">Share of the reasoning prompts of the cold start, RL, rejection sampling and evaluation asked in
/// Lingua (the target language of a reasoning is its question's). Default 0.5; 0 = every prompt in English.</param>
public sealed record LanguageMix(double CheckingMixRate = 0.7, double PlainMixRate = 0.15, double MixedShare = 0.6, double ChatShare = 0.15,
    double CorpusChatGoodRate = 0.4, double LinguaQuestionRate = 0.3, double LinguaAnswerShare = 0.7, double PromptLinguaRate = 0.5);
