using System.Text.Json;
using R1Sharp.Generation;
using R1Sharp.Text;
using R1Sharp.Tools;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Rollouts;
using TorchSharp;

namespace R1Sharp.Tests.Training;

/// <summary>
/// The multi-turn loop with a scripted policy: each row writes a fixed text per round (one character per token),
/// so where calls close, what is appended and what is masked can be checked exactly.
/// </summary>
public sealed class ToolCallingRolloutsTests
{
    private sealed class CharTokenizer : ITextTokenizer
    {
        public int VocabSize => 256;
        public int? BosId => null;
        public IReadOnlyList<int> EosIds { get; } = [1];
        public int PadId => 0;
        public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = false) => text.Select(c => (int)c).ToArray();
        public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) => new(ids.Where(i => i >= 2).Select(i => (char)i).ToArray());
    }

    /// <summary>Row k (its prompt's first character) writes scripts[k][r] in its r-th round, then EOS, stopping as the generator would.</summary>
    private sealed class ScriptedPolicy(Dictionary<char, string[]> scripts)
    {
        private readonly Dictionary<char, int> _round = [];

        public List<List<string>> Rounds { get; } = [];

        public IReadOnlyList<GeneratedSequence> Generate(IReadOnlyList<IReadOnlyList<int>> prompts, SamplingOptions options, long seed, CancellationToken _)
        {
            Rounds.Add([.. prompts.Select(p => new string(p.Select(i => (char)i).ToArray()))]);
            var result = new List<GeneratedSequence>();
            for (int i = 0; i < prompts.Count; i++)
            {
                char key = (char)prompts[i][0];
                int round = _round.GetValueOrDefault(key);
                _round[key] = round + 1;
                var tokens = new List<int>();
                var reason = FinishReason.Eos;
                foreach (int id in scripts[key][round].Select(c => (int)c).Append(1))
                {
                    tokens.Add(id);
                    if (id == 1) break;
                    if (options.StopWhen!(tokens)) { reason = FinishReason.StopCondition; break; }
                    if (tokens.Count >= options.MaxNewTokens) { reason = FinishReason.Length; break; }
                }
                result.Add(new GeneratedSequence(i, [.. tokens], new float[tokens.Count], new float[tokens.Count], reason));
            }
            return result;
        }
    }

    private static readonly CharTokenizer Tokenizer = new();

    private static ToolCallingRollouts Loop(ITool tool, int maxIterations = 5) =>
        new(Tokenizer, new ToolRolloutOptions(new ToolRunner([tool], TimeSpan.FromSeconds(10), 4096), maxIterations, ToolMessageFormat.Plain));

    private static FunctionTool Python(Func<string, string> run) =>
        new("python", "{}", (args, _) => Task.FromResult(run(args.GetProperty("code").GetString()!)));

    private static async Task<(IReadOnlyList<Rollout> Rollouts, ScriptedPolicy Policy)> Run(ToolCallingRollouts loop, Dictionary<char, string[]> scripts, int budget = 200)
    {
        var policy = new ScriptedPolicy(scripts);
        var prompts = scripts.Keys.Select(k => (IReadOnlyList<int>)Tokenizer.Encode(k + ":")).ToList();
        var rollouts = await loop.GenerateAsync(policy.Generate, 1024, prompts, new SamplingOptions { MaxNewTokens = budget }, 7, CancellationToken.None);
        return (rollouts, policy);
    }

    private static string Text(Rollout r) => Tokenizer.Decode(r.Tokens);

    private static string ToolText(Rollout r) => Tokenizer.Decode(r.Tokens.Where((_, t) => r.Tools!.ToolTokens[t]));

    private const string Call = "Compute.\n```python\nprint(2+3)\n```";

    [Fact]
    public async Task TheToolOutputIsAppendedAsAToolMessageAndGenerationContinues()
    {
        var (rollouts, policy) = await Run(Loop(Python(code => code == "print(2+3)\n" ? "5\n" : "wrong")), new() { ['A'] = [Call, "So 5."] });
        var r = rollouts.Single();
        string message = "\n```output\n5\n\n```\n";
        Assert.Equal(Call + message + "So 5.", Text(r));
        Assert.Equal(message, ToolText(r));
        Assert.Equal(1, r.Tools!.Calls);
        Assert.Equal(0, r.Tools.Failures);
        Assert.False(r.Truncated);
        Assert.Equal(1, r.Tokens[^1]); // the EOS of the second turn
        Assert.Equal(new[] { "A:", "A:" + Call + message }, policy.Rounds.SelectMany(x => x));
    }

    [Fact]
    public async Task ToolTokensCarryNoLossAndNoGradient()
    {
        var (rollouts, _) = await Run(Loop(Python(_ => "5")), new() { ['A'] = [Call, "ok"] });
        var r = rollouts.Single();
        var rows = TrainingRows.Build([Tokenizer.Encode("A:")], 1, [r.Tokens], [false], 0, [r.Tools!.ToolTokens]);
        var micro = new MicroBatch(0, 1);
        using var mask = rows.CompletionMask(micro, maskTruncated: false);
        float[] m = mask.data<float>().ToArray();
        Assert.Equal(r.Tools.ToolTokens.Select(t => t ? 0f : 1f), m.Take(r.Tokens.Length));
        Assert.Equal(r.Tokens.Length - r.Tools.ToolTokens.Count(t => t), rows.LossTokens(false));

        var logProbs = torch.full([1, r.Tokens.Length], -1.0f).requires_grad_();
        var loss = PolicyLoss.Compute(logProbs, logProbs.detach(), null, torch.tensor(new[] { 1.5f }), mask, new PolicyLossSettings(GrpoLossType.Dapo, Beta: 0, TotalTokens: rows.LossTokens(false)));
        loss.Loss.backward();
        float[] grad = logProbs.grad!.data<float>().ToArray();
        for (int t = 0; t < grad.Length; t++)
            if (r.Tools.ToolTokens[t]) Assert.Equal(0f, grad[t]);
            else Assert.NotEqual(0f, grad[t]);
    }

    [Fact]
    public async Task AFailingToolIsAnErrorMessageAndTheRolloutContinues()
    {
        var (rollouts, _) = await Run(Loop(new FunctionTool("python", "{}", (_, _) => throw new InvalidOperationException("no python today"))),
            new() { ['A'] = [Call, "Hmm."] });
        var r = rollouts.Single();
        Assert.Equal("\n```output\nerror: InvalidOperationException: no python today\n```\n", ToolText(r));
        Assert.EndsWith("Hmm.", Text(r));
        Assert.Equal(1, r.Tools!.Failures);
    }

    [Fact]
    public async Task AMalformedJsonCallIsAnsweredWithTheParseError()
    {
        var (rollouts, _) = await Run(Loop(Python(_ => "")), new() { ['A'] = ["<tool_call>{\"name\": \"python\", </tool_call>", "retry"] });
        Assert.StartsWith("\n```output\nerror: the tool call is not valid JSON", ToolText(rollouts.Single()));
        Assert.Equal(1, rollouts.Single().Tools!.Failures);
    }

    [Fact]
    public async Task AConversationThatReachesTheTokenBudgetStopsTruncated()
    {
        // The call takes 33 tokens; the 40-token budget leaves 7, fewer than the tool message.
        var (rollouts, policy) = await Run(Loop(Python(_ => "a long output line")), new() { ['A'] = [Call, "never written"] }, budget: 40);
        var r = rollouts.Single();
        Assert.Equal(40, r.Tokens.Length);
        Assert.True(r.Truncated);
        Assert.All(r.Tools!.ToolTokens.Skip(Call.Length), t => Assert.True(t));
        Assert.Single(policy.Rounds);
    }

    [Fact]
    public async Task CallsPastMaxToolCallingIterationsEndTheCompletionUnanswered()
    {
        var (rollouts, policy) = await Run(Loop(Python(_ => "5"), maxIterations: 1), new() { ['A'] = [Call, Call, "unreached"] });
        var r = rollouts.Single();
        Assert.Equal(1, r.Tools!.Calls);
        Assert.EndsWith("```output\n5\n```\n" + Call, Text(r));
        Assert.False(r.Truncated);
        Assert.Equal(2, policy.Rounds.Count);
    }

    [Fact]
    public async Task RowsThatCallNoToolFinishInTheFirstRoundAndCallsRunConcurrently()
    {
        // Each call waits until both are in flight: run one after the other, the first would time out.
        int arrived = 0;
        var both = new TaskCompletionSource();
        var tool = new FunctionTool("python", "{}", async (_, token) =>
        {
            if (Interlocked.Increment(ref arrived) == 2) both.SetResult();
            await both.Task.WaitAsync(token);
            return "done";
        });
        var (rollouts, policy) = await Run(Loop(tool), new() { ['A'] = [Call, "a"], ['B'] = ["No tools needed."], ['C'] = [Call, "c"] });
        Assert.Equal(new[] { 1, 0, 1 }, rollouts.Select(r => r.Tools!.Calls));
        Assert.All(rollouts, r => Assert.Equal(0, r.Tools!.Failures));
        Assert.Equal("No tools needed.", Text(rollouts[1]));
        Assert.Equal(new[] { "A:", "C:" }, policy.Rounds[1].Select(p => p[..2]));
    }

    [Fact]
    public async Task TheCostOfRoundsIsCountedWaitStepsPerCallAndReprefilledTokens()
    {
        // Round 0: A closes its call after |Call| tokens, C after 18 + |Call|, B ends after 17: A's call waits 18 steps for C.
        const string Longer = "Think more first. " + Call;
        var (rollouts, _) = await Run(Loop(Python(_ => "5")), new() { ['A'] = [Call, "a"], ['B'] = ["No tools needed."], ['C'] = [Longer, "c"] });
        Assert.Equal(new[] { 18, 0, 0 }, rollouts.Select(r => r.Tools!.WaitSteps));
        // Round 1 prefills each caller's whole conversation again: prompt "X:" + its call + the tool message.
        int message = ToolMessageFormat.Plain.Render("5").Length;
        Assert.Equal(new long[] { 2 + Call.Length + message, 0, 2 + Longer.Length + message }, rollouts.Select(r => r.Tools!.ReprefillTokens));

        var metrics = new Dictionary<string, double>();
        ToolMetrics.AddTo(metrics, rollouts);
        Assert.Equal(9.0, metrics["tools/wait_steps_per_call"]);
        Assert.Equal((4 + Call.Length + Longer.Length + 2 * message) / 3.0, metrics["tools/reprefill_tokens"], 12);
    }

    [Fact]
    public void ToolMetricsCountCallsFailuresAndToolTokens()
    {
        var metrics = new Dictionary<string, double>();
        ToolMetrics.AddTo(metrics, [
            new Rollout(0, [5, 6, 7, 8], null, false) { Tools = new ToolUse([false, true, true, false], 2, 1, 0.5) },
            new Rollout(1, [5, 6], null, false) { Tools = new ToolUse([false, false], 0, 0, 0) },
        ]);
        Assert.Equal(1.0, metrics["tools/call_frequency"]);
        Assert.Equal(0.5, metrics["tools/call_rate"]); // one completion of two called
        Assert.Equal(0.5, metrics["tools/failure_frequency"]);
        Assert.Equal(1.0, metrics["tools/failures"]);
        Assert.Equal(0.5, metrics["tools/seconds"]);
        Assert.Equal(2.0 / 6, metrics["tools/token_fraction"], 12);
    }

    [Fact]
    public async Task ACallStartsWhileTheRestOfItsRoundIsStillDecoding()
    {
        // Row A writes its call first; the round then decodes row B. The call must already be running by the time the
        // round ends (before, calls started only after it); 30 s is a deadlock guard, not a timing bound.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tool = new FunctionTool("python", "{}", (_, _) => { started.TrySetResult(); return Task.FromResult("5"); });
        var policy = new ScriptedPolicy(new() { ['A'] = [Call, "a"], ['B'] = ["A long answer with no tools."] });
        var runningAtRoundEnd = new List<bool>();
        IReadOnlyList<GeneratedSequence> Generate(IReadOnlyList<IReadOnlyList<int>> prompts, SamplingOptions options, long seed, CancellationToken token)
        {
            var round = policy.Generate(prompts, options, seed, token);
            runningAtRoundEnd.Add(started.Task.Wait(TimeSpan.FromSeconds(30), token));
            return round;
        }
        var prompts = new[] { "A:", "B:" }.Select(p => (IReadOnlyList<int>)Tokenizer.Encode(p)).ToList();
        var rollouts = await Loop(tool).GenerateAsync(Generate, 1024, prompts, new SamplingOptions { MaxNewTokens = 200 }, 7, CancellationToken.None);
        Assert.True(runningAtRoundEnd[0]);
        Assert.Equal("\n```output\n5\n```\n", ToolText(rollouts[0]));
        Assert.Equal(1, rollouts[0].Tools!.Calls);
    }

    [Fact]
    public async Task ACallPastTheIterationLimitIsNeverStarted()
    {
        int runs = 0;
        var tool = new FunctionTool("python", "{}", (_, _) => { Interlocked.Increment(ref runs); return Task.FromResult("5"); });
        var (rollouts, _) = await Run(Loop(tool, maxIterations: 1), new() { ['A'] = [Call, Call, "never"] });
        Assert.Equal(1, rollouts.Single().Tools!.Calls);
        Assert.Equal(1, runs); // the second call ends the completion unanswered and no tool ran for it
    }
}
