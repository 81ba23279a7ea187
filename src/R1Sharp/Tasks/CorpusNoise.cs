namespace R1Sharp.Tasks;

/// <summary>
/// How imperfect the synthetic pre-training corpus is. The base model imitates it, so these rates set where R1-Zero
/// starts: mostly guessing, often wrong, rarely checking itself — leaving reinforcement learning to discover that
/// writing out (and re-checking) the steps pays.
/// </summary>
/// <param name="GuessRate">Share of solutions with no reasoning at all, just a guessed answer. Default 0.35.</param>
/// <param name="GuessCorrectRate">Chance that a guess is right (arithmetic); Countdown guesses are random expressions. Default 0.05.</param>
/// <param name="StepErrorRate">Chance that any one written step has a wrong result (carried into later steps). Default 0.15.</param>
/// <param name="SelfCheckRate">Share of solutions that make a mistake, write "wait", and correct it. Default 0.05.</param>
/// <param name="CountdownRightAttemptRate">Chance that a worked Countdown solution tries a right expression first. Default 0.35.</param>
public sealed record CorpusNoise(
    double GuessRate = 0.35,
    double GuessCorrectRate = 0.05,
    double StepErrorRate = 0.15,
    double SelfCheckRate = 0.05,
    double CountdownRightAttemptRate = 0.35);
