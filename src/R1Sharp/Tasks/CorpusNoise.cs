namespace R1Sharp.Tasks;

/// <summary>
/// How imperfect the synthetic pre-training corpus is. The base model imitates it, so these rates set where R1-Zero
/// starts. The corpus is written so that the base model <i>can</i> reason (its worked solutions are mostly right)
/// but usually does not: most solutions are bare guesses, and checking one's own work is rare. A model that imitates
/// it has a high pass@k but a low pass@1, which is the situation R1-Zero starts from: reinforcement learning has to
/// discover that writing out the steps, and checking them, pays.
/// </summary>
/// <param name="GuessRate">Share of solutions with no reasoning at all, just a guessed answer. Default 0.6.</param>
/// <param name="GuessCorrectRate">Chance that an arithmetic guess is right (a Countdown guess is a random expression). Default 0.</param>
/// <param name="StepErrorRate">Chance that any one written step has a wrong result (carried into later steps). Default 0.03.</param>
/// <param name="SelfCheckRate">
/// Share of <i>worked</i> solutions that check themselves. Arithmetic: a step is first written wrong, then
/// "wait, check again:" and corrected. Countdown: each attempt's value is compared with the target and, while it
/// misses, "wait, V is not T, try again:" another attempt follows. The other worked solutions answer whatever their
/// single attempt gave. Default 0.15.
/// </param>
/// <param name="CountdownRightAttemptRate">Chance that any one Countdown attempt is a right expression (the rest are random ones). Default 0.3.</param>
/// <param name="CountdownMaxAttempts">Most attempts in a self-checking Countdown solution; the last one is always right. Default 4.</param>
public sealed record CorpusNoise(
    double GuessRate = 0.6,
    double GuessCorrectRate = 0.0,
    double StepErrorRate = 0.03,
    double SelfCheckRate = 0.15,
    double CountdownRightAttemptRate = 0.3,
    int CountdownMaxAttempts = 4);
