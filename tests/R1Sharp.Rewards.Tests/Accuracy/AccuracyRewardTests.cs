using System.Text.Json;
using R1Sharp.Rewards.Accuracy;

namespace R1Sharp.Rewards.Tests.Accuracy;

public class AccuracyRewardTests
{
    private static RewardInput Input(string completion, params (string Key, object Value)[] row) =>
        new("prompt", completion, row.ToDictionary(f => f.Key, f => JsonSerializer.SerializeToElement(f.Value)));

    [Fact]
    public async Task Scores_one_for_an_equivalent_boxed_answer()
    {
        var reward = new AccuracyReward();
        Assert.Equal(1.0, await reward.ScoreAsync(Input("<think>1/2 + 1/4</think> \\boxed{0.75}", ("answer", "\\frac{3}{4}"))));
    }

    [Fact]
    public async Task Scores_zero_for_a_wrong_or_hedged_answer()
    {
        var reward = new AccuracyReward();
        Assert.Equal(0.0, await reward.ScoreAsync(Input("\\boxed{0.7}", ("answer", "\\frac{3}{4}"))));
        Assert.Equal(0.0, await reward.ScoreAsync(Input("\\boxed{0.75 or 0.7}", ("answer", "\\frac{3}{4}"))));
        Assert.Equal(0.0, await reward.ScoreAsync(Input("no idea", ("answer", "\\frac{3}{4}"))));
    }

    [Fact]
    public async Task Reads_answer_tags_as_in_the_r1_zero_template()
    {
        var reward = new AccuracyReward();
        Assert.Equal(1.0, await reward.ScoreAsync(Input("<think>2+2</think> <answer>4</answer>", ("answer", "4"))));
    }

    [Fact]
    public async Task Numeric_json_gold_is_read_as_written()
    {
        var reward = new AccuracyReward();
        Assert.Equal(1.0, await reward.ScoreAsync(Input("\\boxed{72}", ("answer", 72))));
    }

    [Fact]
    public async Task Falls_back_to_the_last_box_of_a_reference_solution()
    {
        var reward = new AccuracyReward();
        var input = Input("\\boxed{\\frac{1}{3}}", ("solution", "Counting gives $\\boxed{2}$ first, then dividing gives $\\boxed{\\dfrac13}$."));
        Assert.Equal(1.0, await reward.ScoreAsync(input));
    }

    [Fact]
    public async Task The_gold_field_name_is_configurable()
    {
        var reward = new AccuracyReward(new AccuracyRewardOptions { AnswerField = "final", SolutionField = null });
        Assert.Equal(1.0, await reward.ScoreAsync(Input("\\boxed{5}", ("final", "5"))));
        Assert.Null(await reward.ScoreAsync(Input("\\boxed{5}", ("answer", "5"))));
    }

    [Fact]
    public async Task Is_not_applicable_without_a_usable_gold()
    {
        var reward = new AccuracyReward();
        Assert.Null(await reward.ScoreAsync(Input("\\boxed{5}")));
        Assert.Null(await reward.ScoreAsync(Input("\\boxed{5}", ("answer", ""))));
        Assert.Null(await reward.ScoreAsync(Input("\\boxed{5}", ("answer", "\\frac{1}{"))));
        Assert.Null(await reward.ScoreAsync(Input("\\boxed{5}", ("solution", "a proof without a final box"))));
    }

    [Fact]
    public void Has_a_stable_name() => Assert.Equal("accuracy", new AccuracyReward().Name);

    [Fact]
    public async Task Scores_in_parallel_with_the_same_results()
    {
        var reward = new AccuracyReward();
        var inputs = Enumerable.Range(0, 64).Select(i => Input($"\\boxed{{{i % 4}}}", ("answer", "2"))).ToArray();
        var scores = await Task.WhenAll(inputs.Select(x => Task.Run(async () => await reward.ScoreAsync(x))));
        Assert.Equal(inputs.Select((_, i) => (double?)(i % 4 == 2 ? 1.0 : 0.0)), scores);
    }
}
