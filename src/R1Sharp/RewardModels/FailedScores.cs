using R1Sharp.Rewards;

namespace R1Sharp.RewardModels;

/// <summary>How the model-based rewards fill the scores they failed to get (<see cref="JudgeFailurePolicy"/>).</summary>
internal static class FailedScores
{
    /// <summary>
    /// Applies <paramref name="policy"/> to the null scores in place: the group's mean (Exclude), a fixed score
    /// (Fallback), or an error naming the first failure (Error). Returns how many failed.
    /// </summary>
    public static int Apply(double?[] scores, IReadOnlyList<RewardInput> inputs, IReadOnlyList<string?> problems, JudgeFailurePolicy policy, double fallback, string what)
    {
        int failures = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (scores[i] is not null) continue;
            failures++;
            if (policy == JudgeFailurePolicy.Error)
                throw new InvalidOperationException($"the {what} failed on completion {i}: {problems[i]}");
        }
        if (policy == JudgeFailurePolicy.Fallback)
            for (int i = 0; i < scores.Length; i++) scores[i] ??= fallback;
        else if (policy == JudgeFailurePolicy.Exclude)
            FillWithGroupMeans(scores, inputs);
        return failures;
    }

    // Same prompt = same group; a group with no score at all stays null ("not applicable").
    private static void FillWithGroupMeans(double?[] scores, IReadOnlyList<RewardInput> inputs)
    {
        foreach (var group in Enumerable.Range(0, scores.Length).GroupBy(i => inputs[i].Prompt, StringComparer.Ordinal))
        {
            var present = group.Where(i => scores[i] is not null).Select(i => scores[i]!.Value).ToList();
            if (present.Count == 0) continue;
            double mean = present.Average();
            foreach (int i in group) scores[i] ??= mean;
        }
    }
}
