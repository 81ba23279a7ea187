using System.Globalization;
using R1Sharp.RewardModels;
using R1Sharp.Rewards;
using R1Sharp.Rewards.Composition;

namespace R1Sharp.Pipeline;

/// <summary>
/// Stage 3's chat data judged by a generative judge (<see cref="PipelineJudge"/>): each written candidate is sent with
/// its question (no reference: the chat task has no single right answer) and the judge's verdict decides; per prompt
/// the first accepted candidate is kept. A judgement that fails (no reply after the retries, or no readable verdict)
/// keeps nothing and is counted (<c>chat_judge_failures</c> in the stage's details), never read as a rejection; a judge
/// that failed on every candidate stops the stage with its first problem.
/// </summary>
internal static class ChatJudging
{
    public static async Task<List<RejectionMixture.Example>> AcceptedAsync(PipelineRun run, PipelineJudge judge, int prompts, Dictionary<string, double> counts)
    {
        string spec = string.Create(CultureInfo.InvariantCulture,
            $"judge(url={judge.Endpoint};model={judge.Model};mode=verdict;section=whole;retries={judge.Retries})");
        using var reward = (JudgeReward)ModelBasedRewards.CreateRegistry().Create(RewardSpec.Parse(spec));
        var candidates = new List<(int Prompt, int N, string Text)>();
        for (int i = 0; i < prompts; i++)
        {
            int n = RejectionMixture.ChatValue(run, i);
            candidates.AddRange(RejectionMixture.Candidates(run, i, n).Select(c => (i, n, c)));
        }
        run.Report(PipelineStages.RejectionSft + " judge", 0, candidates.Count);
        var inputs = candidates.Select(c => new RewardInput(ChatTask.Prompt(c.N), c.Text, ChatTask.Row(c.N))).ToList();
        var outcomes = await reward.JudgeAsync(inputs, run.Token).ConfigureAwait(false);
        int failures = outcomes.Count(o => o.Score is null);
        if (failures == outcomes.Length)
            throw new IOException($"judge {judge.Model} at {judge.Endpoint}: every one of {failures} judgements failed (first: {outcomes[0].Problem})");
        var kept = new List<RejectionMixture.Example>();
        var served = new HashSet<int>();
        for (int i = 0; i < candidates.Count; i++)
            if (outcomes[i].Score is >= 0.5 && served.Add(candidates[i].Prompt))
                kept.Add(new RejectionMixture.Example("chat", ChatTask.Prompt(candidates[i].N), candidates[i].Text));
        counts["chat_judged"] = outcomes.Length;
        counts["chat_judge_accepted"] = outcomes.Count(o => o.Score is >= 0.5);
        counts["chat_judge_failures"] = failures;
        run.Report(PipelineStages.RejectionSft + " judge", candidates.Count, candidates.Count, counts);
        return kept;
    }
}
