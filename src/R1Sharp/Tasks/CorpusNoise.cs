namespace R1Sharp.Tasks;

/// <summary>
/// How the synthetic pre-training corpus is made, and how imperfect it is. The base model imitates it, so these
/// rates set where R1-Zero starts. The corpus is written so that the base model <i>can</i> reason but, under the
/// R1-Zero instruction, usually does not: like a real base model that learned arithmetic from textbooks, it has seen
/// plenty of worked examples (<paramref name="TextbookRate"/>, asked without the instruction), while the documents
/// that do carry the R1-Zero instruction are mostly bare guesses and rarely check themselves. A model that imitates
/// it has a high pass@k but a low pass@1 under the template, which is the situation R1-Zero starts from:
/// reinforcement learning has to discover that writing out the steps, and checking them, pays.
/// </summary>
/// <param name="TextbookRate">
/// Share of documents that are worked examples asked without the R1-Zero instruction (just "User: question.
/// Assistant:"): always reasoned, self-checking at <paramref name="TextbookSelfCheckRate"/>. Default 0.5.
/// </param>
/// <param name="TextbookSelfCheckRate">Share of the worked examples that check themselves. Default 0.5.</param>
/// <param name="GuessRate">Share of solutions under the R1-Zero instruction with no reasoning at all, just a guessed answer. Default 0.75.</param>
/// <param name="GuessCorrectRate">Chance that an arithmetic guess is right (a Countdown guess is a random expression). Default 0.</param>
/// <param name="StepErrorRate">Chance that any one written step has a wrong result (carried into later steps). Default 0.03.</param>
/// <param name="SelfCheckRate">
/// Share of <i>worked</i> solutions under the R1-Zero instruction that check themselves. Arithmetic: a step is first written wrong, then
/// "wait, check again:" and corrected. Countdown: each attempt's value is compared with the target and, while it
/// misses, "wait, V is not T, try again:" another attempt follows. The other worked solutions answer whatever their
/// single attempt gave. Default 0.25.
/// </param>
/// <param name="CountdownRightAttemptRate">Chance that any one Countdown attempt is a right expression (the rest are random ones). Default 0.6.</param>
/// <param name="CountdownMaxAttempts">Most attempts in a self-checking Countdown solution; the last one is answered even if it misses. Default 4.</param>
public sealed record CorpusNoise(
    double TextbookRate = 0.5,
    double TextbookSelfCheckRate = 0.5,
    double GuessRate = 0.75,
    double GuessCorrectRate = 0.0,
    double StepErrorRate = 0.03,
    double SelfCheckRate = 0.25,
    double CountdownRightAttemptRate = 0.6,
    int CountdownMaxAttempts = 4);
