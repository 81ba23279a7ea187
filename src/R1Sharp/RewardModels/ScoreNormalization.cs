namespace R1Sharp.RewardModels;

/// <summary>
/// How a model-based reward turns raw scores into rewards. A reward model's scores have no fixed scale (only
/// differences were trained), so next to rule rewards in [0, 1] they usually need one of these.
/// </summary>
public enum ScoreNormalization
{
    /// <summary>Raw scores.</summary>
    None,

    /// <summary>σ(score), in (0, 1): the Bradley–Terry probability of beating a response scored 0.</summary>
    Sigmoid,

    /// <summary>(score − mean) / std over the completions of the same prompt (a GRPO group); 0 where the group's scores all tie.</summary>
    Group,

    /// <summary>(score − mean) / std over the whole batch; 0 where all tie.</summary>
    Batch,
}

/// <summary>Applies a <see cref="ScoreNormalization"/>; null scores (failures, not applicable) are left out and stay null.</summary>
public static class ScoreNormalizer
{
    /// <summary>Normalises <paramref name="scores"/>; <paramref name="groups"/> gives each score's group key (the prompt).</summary>
    public static double?[] Apply(IReadOnlyList<double?> scores, IReadOnlyList<string> groups, ScoreNormalization mode)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.Count != scores.Count) throw new ArgumentException($"{scores.Count} scores but {groups.Count} group keys");
        var result = scores.ToArray();
        switch (mode)
        {
            case ScoreNormalization.Sigmoid:
                for (int i = 0; i < result.Length; i++) if (result[i] is { } s) result[i] = 1 / (1 + Math.Exp(-s));
                break;
            case ScoreNormalization.Batch:
                Standardise(result, Enumerable.Range(0, result.Length).ToList());
                break;
            case ScoreNormalization.Group:
                foreach (var members in Enumerable.Range(0, result.Length).GroupBy(i => groups[i], StringComparer.Ordinal))
                    Standardise(result, [.. members]);
                break;
        }
        return result;
    }

    // Population std (as GRPO's advantages); a tie gives 0 rather than dividing by zero.
    private static void Standardise(double?[] scores, List<int> members)
    {
        var present = members.Where(i => scores[i] is not null).ToList();
        if (present.Count == 0) return;
        double mean = present.Average(i => scores[i]!.Value);
        double std = Math.Sqrt(present.Average(i => Math.Pow(scores[i]!.Value - mean, 2)));
        foreach (int i in present) scores[i] = std < 1e-12 ? 0 : (scores[i]!.Value - mean) / std;
    }
}
