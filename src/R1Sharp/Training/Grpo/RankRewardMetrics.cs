using R1Sharp.Distributed;
using R1Sharp.Text;
using R1Sharp.Rewards.Composition;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// The reward and completion metrics of a data-parallel step over every rank's completions: each rank gathers a few
/// sums (count, Σx, Σx², min, max) from all ranks and combines them, so every rank reports the global step's
/// metrics (the same definitions as the single-process step: population standard deviations, nulls left out).
/// </summary>
internal static class RankRewardMetrics
{
    public static void Add(Dictionary<string, double> metrics, ICollectiveBackend ranks, IReadOnlyList<SampledGroups> seen, int g)
    {
        var scores = RewardScores.Concatenate([.. seen.Select(s => s.Scores)]);
        var totals = scores.Totals;
        var lengths = seen.SelectMany(s => s.Rollouts).Select(r => (double)r.Tokens.Length).ToList();
        var local = new List<double>
        {
            totals.Count, totals.Sum(),
            lengths.Sum(), lengths.Count > 0 ? lengths.Min() : double.MaxValue, lengths.Count > 0 ? lengths.Max() : double.MinValue,
            seen.SelectMany(s => s.Rollouts).Count(r => r.Truncated),
            seen.SelectMany(s => s.Inputs).Count(i => ReflectionWords.Contains(i.Completion)),
        };
        int groups = totals.Count / g, zeroStd = 0;
        double stdSum = 0;
        for (int k = 0; k < groups; k++)
        {
            var group = Enumerable.Range(k * g, g).Select(i => totals[i]).ToList();
            double mean = group.Average();
            stdSum += Math.Sqrt(group.Sum(x => (x - mean) * (x - mean)) / g);
            if (group.All(x => x == group[0])) zeroStd++;
        }
        local.AddRange([groups, stdSum, zeroStd]);
        for (int f = 0; f < scores.Names.Count; f++)
        {
            var values = scores.ScoresOf(f).Where(v => v.HasValue).Select(v => v!.Value).ToList();
            local.AddRange([values.Count, values.Sum(), values.Sum(v => v * v)]);
        }

        var all = ranks.AllGather([.. local]);
        double Total(int i) => all.Sum(r => r[i]);
        double count = Math.Max(1, Total(0)), groupCount = Math.Max(1, Total(7));
        metrics["reward"] = Total(1) / count;
        metrics["reward_std"] = Total(8) / groupCount;
        metrics["frac_reward_zero_std"] = Total(9) / groupCount;
        for (int f = 0; f < scores.Names.Count; f++)
        {
            double n = Total(10 + 3 * f), mean = n == 0 ? 0 : Total(11 + 3 * f) / n;
            metrics[$"rewards/{scores.Names[f]}/mean"] = mean;
            metrics[$"rewards/{scores.Names[f]}/std"] = n == 0 ? 0 : Math.Sqrt(Math.Max(0, Total(12 + 3 * f) / n - mean * mean));
        }
        metrics["completions/mean_length"] = Total(2) / count;
        metrics["completions/min_length"] = all.Min(r => r[3]);
        metrics["completions/max_length"] = all.Max(r => r[4]);
        metrics["completions/clipped_ratio"] = Total(5) / count;
        metrics["reflection_rate"] = Total(6) / count;
    }
}
