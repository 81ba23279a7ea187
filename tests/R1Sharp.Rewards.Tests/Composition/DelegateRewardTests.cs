using R1Sharp.Rewards.Composition;

namespace R1Sharp.Rewards.Tests.Composition;

public class DelegateRewardTests
{
    [Fact]
    public async Task A_lambda_scores_completions_and_composes()
    {
        var boxed = new DelegateReward("boxed", input => input.Completion.Contains("\\boxed{", StringComparison.Ordinal) ? 1.0 : 0.0);
        var withGold = new DelegateReward("has_gold", async (input, ct) =>
        {
            await Task.Yield();
            ct.ThrowIfCancellationRequested();
            return input.Field("answer") is null ? null : 1.0;
        });
        await using var composer = new RewardComposer([new(boxed, 2.0), new(withGold, 1.0)]);
        RewardScores scores = await composer.ScoreAsync([
            Inputs.Of("so \\boxed{2}", row: Inputs.Row("""{"answer": "2"}""")),
            Inputs.Of("no box"),
        ]);
        Assert.Equal([1.0, 0.0], scores.ScoresOf("boxed"));
        Assert.Equal([1.0, null], scores.ScoresOf("has_gold"));
        Assert.Equal([3.0, 0.0], scores.Totals);
    }

    [Fact]
    public void A_registry_can_hand_out_delegate_rewards()
    {
        var registry = RewardRegistry.CreateDefault().Register("len", "length in thousands of characters",
            o =>
            {
                double scale = o.GetDouble("scale", 1000);
                return new DelegateReward("len", input => input.Completion.Length / scale);
            });
        IRewardFunction reward = registry.Create("len", new Dictionary<string, string> { ["scale"] = "10" });
        Assert.Equal(0.5, reward.Score(Inputs.Of("12345")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("a:b")]
    public void Invalid_names_are_refused(string name) =>
        Assert.Throws<ArgumentException>(() => new DelegateReward(name, _ => 0.0));
}
