using R1Sharp.RewardModels;
using R1Sharp.Rewards;

namespace R1Sharp.Distillation;

/// <summary>
/// DeepSeek-R1's generative reward model in rejection sampling: for rows without a rule-based check (no gold answer,
/// so the correctness reward is missing or null), the question, the reference answer when the row has one, and the
/// response are given to an LLM judge, and its verdict becomes the correctness score. A failed judgement leaves the
/// score null, so <see cref="CorrectnessFilter"/> drops the response (correctness unknown) — it is counted, never
/// scored 0 silently. Judged scores are also recorded under the judge's name.
/// </summary>
public static class JudgedCorrectness
{
    /// <summary>The samples with judged scores filled in, how many were judged and how many judgements failed.</summary>
    public static async Task<(IReadOnlyList<SampledResponse> Samples, int Judged, int Failures)> ApplyAsync(IReadOnlyList<SampledResponse> samples,
        JudgeReward judge, string correctnessReward, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(judge);
        var unjudged = Enumerable.Range(0, samples.Count)
            .Where(i => !samples[i].Rewards.TryGetValue(correctnessReward, out var score) || score is null).ToList();
        if (unjudged.Count == 0) return (samples, 0, 0);
        var inputs = unjudged.Select(i =>
        {
            var s = samples[i];
            string question = s.Prompt.LastOrDefault(t => t.Role == "user")?.Content ?? string.Join("\n", s.Prompt.Select(t => t.Content));
            return new RewardInput(question, s.Response, s.Row ?? new Dictionary<string, System.Text.Json.JsonElement>());
        }).ToList();
        var outcomes = await judge.JudgeAsync(inputs, cancellationToken).ConfigureAwait(false);
        var result = samples.ToArray();
        for (int k = 0; k < unjudged.Count; k++)
        {
            var s = result[unjudged[k]];
            var rewards = new Dictionary<string, double?>(s.Rewards, StringComparer.Ordinal)
            {
                [correctnessReward] = outcomes[k].Score,
                [judge.Name] = outcomes[k].Score,
            };
            result[unjudged[k]] = s with { Rewards = rewards };
        }
        return (result, unjudged.Count, outcomes.Count(o => o.Score is null));
    }
}
