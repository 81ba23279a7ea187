namespace R1Sharp.Evaluation.Metrics;

/// <summary>The result of a majority vote over one question's samples.</summary>
/// <param name="Answer">The winning answer as first written by a sample of the winning group, or null when no sample gave an answer.</param>
/// <param name="Votes">How many samples gave an answer equivalent to the winner.</param>
/// <param name="Correct">Whether the winning answer is correct (the verdict on the group's first sample).</param>
/// <param name="Groups">How many distinct answers (equivalence classes) were given.</param>
public sealed record VoteOutcome(string? Answer, int Votes, bool Correct, int Groups);
