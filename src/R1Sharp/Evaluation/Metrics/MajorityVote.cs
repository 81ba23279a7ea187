namespace R1Sharp.Evaluation.Metrics;

/// <summary>
/// cons@k: the majority vote of DeepSeek-R1 (RECIPE.md §6) over one question's samples. Answers are grouped by
/// verified equivalence, not by string equality, so <c>0.5</c> and <c>\frac{1}{2}</c> vote together.
/// </summary>
/// <remarks>
/// Rules, chosen to be deterministic and to refuse rewarding silence:
/// <list type="bullet">
/// <item>A sample without an extracted answer does not vote; when no sample has one, the question is wrong.</item>
/// <item>Samples are visited in sample-index order; each joins the first existing group whose representative
/// (its first member) is equivalent, else founds a new group. Grouping is therefore independent of thread timing.</item>
/// <item>The largest group wins; among equally large groups the one whose first member has the lowest sample
/// index wins (the answer that was given first), so the result never depends on dictionary or hash order.</item>
/// <item>The vote is correct when the winning group's first member was judged correct.</item>
/// </list>
/// </remarks>
public static class MajorityVote
{
    /// <summary>Runs the vote.</summary>
    /// <param name="candidates">The question's samples, in any order.</param>
    /// <param name="areEquivalent">Answer equivalence, e.g. the verifier's; must be symmetric.</param>
    public static VoteOutcome Decide(IEnumerable<VoteCandidate> candidates, Func<string, string, bool> areEquivalent)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(areEquivalent);

        var groups = new List<(VoteCandidate First, int Votes)>();
        foreach (var candidate in candidates.OrderBy(c => c.SampleIndex))
        {
            if (string.IsNullOrWhiteSpace(candidate.Answer)) continue;
            int found = groups.FindIndex(g =>
                string.Equals(g.First.Answer, candidate.Answer, StringComparison.Ordinal)
                || areEquivalent(g.First.Answer!, candidate.Answer));
            if (found >= 0) groups[found] = (groups[found].First, groups[found].Votes + 1);
            else groups.Add((candidate, 1));
        }

        if (groups.Count == 0) return new VoteOutcome(null, 0, false, 0);
        // Groups were founded in sample-index order, so the first maximum is the earliest-founded one.
        var winner = groups[0];
        foreach (var group in groups)
            if (group.Votes > winner.Votes) winner = group;
        return new VoteOutcome(winner.First.Answer, winner.Votes, winner.First.Correct, groups.Count);
    }
}
