using R1Sharp.Pipeline;
using R1Sharp.Rewards;

namespace R1Sharp.Tests.Pipeline;

/// <summary>The order of DeepSeek-R1's stages and the checkpoint each one starts from.</summary>
public sealed class PipelineStagesTests
{
    [Fact]
    public void StagesRunInThePapersOrderBaseFirst()
    {
        Assert.Equal(["base", "cold_start", "reasoning_rl", "rejection_sft", "all_scenario_rl"], PipelineStages.Order);
    }

    [Theory]
    [InlineData("base", null)]
    [InlineData("cold_start", "base")]
    [InlineData("reasoning_rl", "cold_start")]
    [InlineData("reasoning_rl_without_language", "cold_start")]
    [InlineData("rejection_sft", "cold_start")] // the stage-1 checkpoint, not the RL model it samples
    [InlineData("all_scenario_rl", "rejection_sft")]
    public void EachStageStartsFromThePapersCheckpoint(string stage, string? from)
    {
        Assert.Equal(from, PipelineStages.StartsFrom(stage));
    }

    [Fact]
    public void RejectionSamplingSamplesTheReasoningRlModel()
    {
        Assert.Equal("reasoning_rl", PipelineStages.SamplesFrom("rejection_sft"));
        Assert.Throws<ArgumentException>(() => PipelineStages.StartsFrom("stage5"));
    }

    [Theory]
    [InlineData(" <think> 1+2=3 </think> 1+2=3 <answer>3</answer>", true)]
    [InlineData(" <think> 1+2=3 </think> <answer>3</answer>", false)]               // no summary
    [InlineData(" <think> </think> 1+2=3 <answer>3</answer>", false)]               // no reasoning
    [InlineData(" <think> a </think> s <answer>3</answer> <answer>4</answer>", false)]
    [InlineData(" <think> a </think> s <answer>3</answer> more", false)]
    public void TheOutputFormatIsReasoningThenSummaryThenAnswer(string completion, bool expected)
    {
        Assert.Equal(expected, SummaryFormatReward.IsWellFormatted(completion));
    }

    [Fact]
    public async Task FormatAndLanguageRewardsDoNotApplyToChatRows()
    {
        var chat = new RewardInput(ChatTask.Prompt(20), " 19, 21", ChatTask.Row(20));
        Assert.Null(await new SummaryFormatReward().ScoreAsync(chat));
        Assert.Null(await new LinguaConsistencyReward().ScoreAsync(chat));
        var row = new Dictionary<string, System.Text.Json.JsonElement>();
        Assert.Equal(1.0, await new LinguaConsistencyReward().ScoreAsync(new RewardInput("p", " <think> </think> x <answer>1</answer>", row)));
        Assert.Equal(0.5, await new LinguaConsistencyReward().ScoreAsync(new RewardInput("p", " <think> 1 then 2 tam 3 </think> x <answer>1</answer>", row)));
        // The target is the question's language: a question asked in Lingua is rewarded for Lingua reasoning.
        Assert.Equal(1.0, await new LinguaConsistencyReward().ScoreAsync(new RewardInput("Kalku 1+2", " <think> 1 tam 2 tam 3 </think> x <answer>3</answer>", row)));
        Assert.Equal(0.0, await new LinguaConsistencyReward().ScoreAsync(new RewardInput("Compute 1+2", " <think> 1 tam 2 tam 3 </think> x <answer>3</answer>", row)));
    }
}
