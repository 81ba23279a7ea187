using R1Sharp.Rewards.Composition;
using R1Sharp.Tests.Checkpoints;
using R1Sharp.Text;
using R1Sharp.Tools;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Rollouts;

namespace R1Sharp.Tests.Training;

/// <summary>A GRPO run whose tiny policy calls a tool whenever it samples one particular token.</summary>
public sealed class ToolGrpoTests
{
    /// <summary>The toy letters, except that 'a' decodes as a whole <c>&lt;tool_call&gt;</c>: sampling it is calling the echo tool.</summary>
    internal sealed class CallingTokenizer : ITextTokenizer
    {
        private readonly ToyGrpo.LetterTokenizer _letters = new();
        public int VocabSize => _letters.VocabSize;
        public int? BosId => null;
        public IReadOnlyList<int> EosIds => _letters.EosIds;
        public int PadId => 0;
        public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false) => _letters.Encode(text, addSpecialTokens);
        public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) =>
            string.Concat(ids.Select(i => i == 2 ? "<tool_call>{\"name\": \"echo\", \"arguments\": {}}</tool_call>" : _letters.Decode([i])));
    }

    [Fact]
    public async Task AGrpoStepWithToolsRunsAndReportsToolMetrics()
    {
        var (policy, reference) = ToyGrpo.Models();
        var tokenizer = new CallingTokenizer();
        var runner = new ToolRunner([new FunctionTool("echo", "{}", (_, _) => Task.FromResult("bc"))]);
        var tools = new ToolCallingRollouts(tokenizer, new ToolRolloutOptions(runner, 2, new ToolMessageFormat("d", "e")));
        var options = ToyGrpo.Options(1) with { MaxCompletionLength = 12 };
        using var dir = new TempDirectory();
        var metrics = new Dictionary<string, double>();
        var trainer = new GrpoTrainer(policy, reference, tokenizer, new InProcessRolloutEngine(policy, tools: tools),
            new RewardComposer([new WeightedReward(new ToyGrpo.StartsWithA())]), new ToyGrpo.FixedPrompts(), options,
            new HuggingFacePolicyCheckpoint(policy), dir.Path);
        var result = await trainer.RunAsync(resume: false, progress: new SynchronousProgress<GrpoProgress>(p => { foreach (var (k, v) in p.Metrics) metrics[k] = v; }));
        Assert.Equal(1, result.Steps);
        Assert.True(metrics["tools/call_frequency"] > 0, "the policy sampled no tool call");
        Assert.Equal(0, metrics["tools/failures"]);
        Assert.InRange(metrics["tools/token_fraction"], 1e-9, 1);
        Assert.False(double.IsNaN(metrics["loss"]));
    }
}
