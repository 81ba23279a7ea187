using R1Sharp.Pipeline;
using R1Sharp.Rewards;
using R1Sharp.Rewards.Composition;
using R1Sharp.Tasks;
using R1Sharp.Training.Zero;

namespace R1Sharp.Tests.Pipeline;

/// <summary>The built-in chat task: its rule judge, its split, and how the pipeline's rewards judge chat against reasoning rows.</summary>
public sealed class ChatTaskTests
{
    [Theory]
    [InlineData(12, " 11, 13, 14", 1.0)]
    [InlineData(12, " 9, 10, 11, 13", 1.0)]         // four right numbers: capped at three
    [InlineData(12, " 11, 13", 2.0 / 3)]
    [InlineData(12, " 11, 13, 40", 1.0 / 3)]          // two right, one wrong
    [InlineData(12, " 12, 11", 0.0)]                  // N itself is wrong
    [InlineData(12, " 11, 11, 11", 0.0)]              // repeats are wrong
    [InlineData(12, "", 0.0)]
    [InlineData(12, " I do not know", 0.0)]
    public void TheRuleJudgeScoresHowMuchAResponseHelps(int n, string response, double expected)
    {
        Assert.Equal(expected, ChatTask.Judge(n, response), precision: 12);
    }

    [Fact]
    public void HeldOutValuesAreNeverTrainingValuesAndGoodResponsesScoreFull()
    {
        var chat = new ChatTask(seed: 7, heldOut: 20);
        Assert.Equal(20, chat.HeldOut.Count);
        var training = Enumerable.Range(0, 500).Select(i => chat.Training(i)).ToHashSet();
        Assert.Empty(training.Intersect(chat.HeldOut));
        Assert.Equal(90 - 20, training.Count);
        var random = new Random(3);
        Assert.All(Enumerable.Range(0, 50), _ => Assert.Equal(1.0, ChatTask.Judge(40, ChatTask.Response(40, goodRate: 1.0, random))));
    }

    [Fact]
    public async Task StageFourRewardsReasoningRowsByRuleAndChatRowsByTheChatRewardOnly()
    {
        var world = new PipelineOptions { HeldOutPerFamily = 4, ChatHeldOut = 2 }.CreateWorld();
        var weights = new Dictionary<string, double> { ["accuracy"] = 1, ["format"] = 0.1, ["language"] = 1, ["reward_model"] = 1 };
        await using var composer = PipelineRunner.Composer(world, weights, new ChatOnlyReward(new LengthReward()));
        var problem = world.Suite.TrainingProblem(0, 1);
        var reasoning = new RewardInput("p", $" <think> x y </think> s <answer>{problem.Answer}</answer>", problem.ToRow());
        var chat = new RewardInput(ChatTask.Prompt(12), " 11, 13, 14", ChatTask.Row(12));
        var scores = await composer.ScoreAsync([reasoning, chat], CancellationToken.None);
        var byName = scores.Names.Select((name, f) => (name, values: scores.ScoresOf(f))).ToDictionary(x => x.name, x => x.values);
        Assert.Equal(1.0, byName["accuracy"][0]);
        Assert.Equal(1.0, byName["format"][0]);
        Assert.Equal(1.0, byName["language"][0]);
        Assert.Null(byName["reward_model"][0]);
        Assert.Null(byName["accuracy"][1]);
        Assert.Null(byName["format"][1]);
        Assert.Null(byName["language"][1]);
        Assert.Equal(" 11, 13, 14".Length, byName["reward_model"][1]);
    }

    [Fact]
    public void AnUnknownRewardWeightIsRefusedByName()
    {
        var world = new PipelineOptions { HeldOutPerFamily = 4, ChatHeldOut = 2 }.CreateWorld();
        var error = Assert.Throws<R1Sharp.Training.Configuration.ConfigurationException>(() =>
            PipelineRunner.Composer(world, new Dictionary<string, double> { ["accuracy"] = 1, ["helpfulness"] = 1 }, chatReward: null));
        Assert.Contains("helpfulness", error.Message);
    }

    [Fact]
    public void ColdStartExamplesAreInBothLanguagesEachWhollyInItsQuestionsLanguageAndInTheOutputFormat()
    {
        var world = new PipelineOptions { HeldOutPerFamily = 4, ChatHeldOut = 2 }.CreateWorld();
        int inLingua = 0;
        for (int i = 0; i < 30; i++)
        {
            var (prompt, completion) = world.ColdStartExample(i);
            bool lingua = Lingua.AsksInLingua(prompt);
            Assert.Equal(world.AsksInLingua(PipelineWorld.ColdStartStream, i), lingua);
            inLingua += lingua ? 1 : 0;
            Assert.True(SummaryFormatReward.IsWellFormatted(completion), completion);
            Assert.False(Lingua.IsMixed(completion, lingua), completion);
            Assert.Equal(1.0, Lingua.Consistency(completion, lingua));
            Assert.Contains(lingua ? " tam " : " then ", completion); // worked steps, never a bare guess
            Assert.StartsWith(R1Sharp.Text.Templates.R1ZeroTemplate.Format("").Split("User:")[0], prompt);
        }
        Assert.InRange(inLingua, 5, 25); // both languages, about half each
    }

    // A stand-in for the reward model: the response's length.
    private sealed class LengthReward : IBatchRewardFunction
    {
        public string Name => "reward_model";

        public Task<BatchRewardResult> ScoreBatchAsync(IReadOnlyList<RewardInput> inputs, CancellationToken cancellationToken = default) =>
            Task.FromResult(new BatchRewardResult([.. inputs.Select(i => (double?)i.Completion.Length)]));

        public ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default) => ValueTask.FromResult<double?>(input.Completion.Length);
    }
}
