using System.Text.Json;
using R1Sharp.Rewards.Accuracy;
using R1Sharp.Rewards.Composition;
using R1Sharp.Rewards.Format;
using R1Sharp.Rewards.Language;
using R1Sharp.Rewards.Repetition;
using R1Sharp.Testing;

namespace R1Sharp.Rewards.Tests;

/// <summary>The rewards on 800 real Qwen2.5-Math outputs for MATH problems (shared/data/outputs), graded by Qwen's grader.</summary>
public class RealOutputsTests
{
    private static readonly Lazy<List<(RewardInput Input, bool Correct)>> Outputs = new(Load);

    private static List<(RewardInput Input, bool Correct)> Load()
    {
        var outputs = new List<(RewardInput, bool)>();
        foreach (string line in File.ReadLines(SharedData.Path("outputs", "qwen25math_math_cot_100_scored.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            string question = doc.RootElement.GetProperty("question").GetString()!;
            var row = new Dictionary<string, JsonElement> { ["answer"] = doc.RootElement.GetProperty("answer").Clone() };
            var texts = doc.RootElement.GetProperty("code").EnumerateArray().Select(e => e.GetString()!).ToList();
            var grades = doc.RootElement.GetProperty("score").EnumerateArray().Select(e => e.GetBoolean()).ToList();
            for (int i = 0; i < texts.Count; i++)
                outputs.Add((Inputs.Of(texts[i], prompt: question, row: row), grades[i]));
        }
        return outputs;
    }

    [Fact]
    public void The_data_is_all_there()
    {
        Assert.Equal(800, Outputs.Value.Count);
        Assert.Contains(Outputs.Value, o => !o.Correct);
    }

    [Fact]
    public async Task Language_consistency_flags_exactly_the_outputs_that_drift_into_chinese()
    {
        // A few of these English solutions degenerate into strings of Chinese words; every other one is English prose
        // around LaTeX, which must not be held against it.
        var reward = new LanguageConsistencyReward(new LanguageConsistencyRewardOptions { Section = LanguageSection.Completion });
        int drifting = 0;
        foreach (var (input, _) in Outputs.Value)
        {
            bool hasHan = input.Completion.EnumerateRunes().Any(r => WordSegmenter.ScriptOf(r) == WritingScript.Han);
            double score = (await reward.ScoreAsync(input))!.Value;
            Assert.True(hasHan == score < 1.0, $"score {score}, Chinese characters present: {hasHan}");
            if (hasHan) drifting++;
        }
        Assert.InRange(drifting, 1, 20);
    }

    [Fact]
    public async Task Wrong_answers_repeat_themselves_more_than_right_ones()
    {
        var reward = new RepetitionPenaltyReward();
        var right = new List<double>();
        var wrong = new List<double>();
        foreach (var (input, correct) in Outputs.Value)
        {
            double penalty = (await reward.ScoreAsync(input))!.Value;
            Assert.InRange(penalty, -1.0, 0.0);
            (correct ? right : wrong).Add(penalty);
        }
        Assert.True(wrong.Average() < right.Average(), $"wrong {wrong.Average()}, right {right.Average()}");
    }

    [Fact]
    public async Task A_composed_batch_of_real_outputs_matches_scoring_one_by_one()
    {
        var composer = RewardRegistry.CreateDefault().CreateComposer("format(mode=think_only):1,repetition:0.5,language(section=completion):0.25");
        RewardInput[] batch = [.. Outputs.Value.Take(200).Select(o => o.Input)];
        RewardScores scores = await composer.ScoreAsync(batch);
        var repetition = new RepetitionPenaltyReward();
        var language = new LanguageConsistencyReward(new LanguageConsistencyRewardOptions { Section = LanguageSection.Completion });
        for (int i = 0; i < batch.Length; i++)
        {
            Assert.Equal(0.0, scores.ScoresOf("format")[i]);   // these models do not write <think>
            double expected = 0.5 * (await repetition.ScoreAsync(batch[i]))!.Value + 0.25 * ((await language.ScoreAsync(batch[i])) ?? 0);
            Assert.Equal(expected, scores.Totals[i], 12);
        }
    }

    [Fact]
    public async Task Cosine_over_the_real_accuracy_reward_ranks_graded_right_answers_above_wrong_ones()
    {
        // The integrator's registration of "accuracy", done here the way docs/rewards.md shows it.
        var registry = RewardRegistry.CreateDefault();
        await using var composer = registry.CreateComposer("cosine(max_len=4000;unit=characters):1");
        var sample = Outputs.Value.Where((_, i) => i % 4 == 0).ToList();
        RewardScores scores = await composer.ScoreAsync([.. sample.Select(o => o.Input)]);
        var right = new List<double>();
        var wrong = new List<double>();
        for (int i = 0; i < sample.Count; i++)
        {
            // Null where the accuracy reward cannot use the gold answer: not applicable, as designed.
            if (scores.ScoresOf("cosine")[i] is not { } score) continue;
            Assert.InRange(score, -1.0, 1.0);
            (sample[i].Correct ? right : wrong).Add(score);
        }
        Assert.NotEmpty(wrong);
        Assert.True(right.Count + wrong.Count > sample.Count * 3 / 4, $"only {right.Count + wrong.Count} of {sample.Count} scored");
        Assert.True(right.Average() > 0 && wrong.Average() < 0, $"right {right.Average()}, wrong {wrong.Average()}");
    }
}
