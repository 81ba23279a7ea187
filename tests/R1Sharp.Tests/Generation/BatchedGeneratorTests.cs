using R1Sharp.Generation;
using R1Sharp.Models;
using R1Sharp.Tests.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Generation;

public class BatchedGeneratorTests
{
    private static readonly IReadOnlyList<int>[] Prompts = [[5, 9, 14, 20, 31], [7, 70], [3, 1, 4, 1, 5, 9, 2, 6]];

    [Theory]
    [InlineData(TestModels.Qwen)]
    [InlineData(TestModels.Llama)]
    public void GreedyEqualsArgmaxOfFullForwardAndLogProbsMatch(string name)
    {
        using var model = TestModels.Small(name);
        var generator = new BatchedGenerator(model);
        var results = generator.Generate(Prompts, new SamplingOptions { Temperature = 0, MaxNewTokens = 6 });
        Assert.Equal(Prompts.Length, results.Count);
        using var noGrad = torch.no_grad();
        for (int i = 0; i < Prompts.Length; i++)
        {
            var r = results[i];
            Assert.Equal(i, r.PromptIndex);
            Assert.Equal(6, r.Tokens.Length);
            Assert.Equal(FinishReason.Length, r.FinishReason);
            using var scope = torch.NewDisposeScope();
            long[] all = [.. Prompts[i].Select(t => (long)t), .. r.Tokens.Select(t => (long)t)];
            var logits = model.Forward(TestModels.Ids(all));
            int p = Prompts[i].Count;
            var predicted = logits[0].narrow(0, p - 1, r.Tokens.Length).argmax(-1).data<long>().ToArray();
            Assert.Equal(r.Tokens.Select(t => (long)t).ToArray(), predicted);
            var expectedLogProbs = TokenLogProbs.Gather(logits.narrow(1, p - 1, r.Tokens.Length), TestModels.Ids(r.Tokens.Select(t => (long)t).ToArray()));
            var expected = expectedLogProbs[0].data<float>().ToArray();
            for (int t = 0; t < expected.Length; t++) Assert.Equal(expected[t], r.LogProbs[t], 1e-4);
        }
    }

    [Fact]
    public void SampledLogProbsAreTheModelsTemperatureOneLogProbs()
    {
        using var model = TestModels.Small(TestModels.DistillQwen);
        var options = new SamplingOptions { Temperature = 0.7, TopP = 0.9, MaxNewTokens = 5, Seed = 4, SamplingLogProbs = SamplingLogProbKind.TemperatureScaled };
        var results = new BatchedGenerator(model).Generate(Prompts, options);
        using var noGrad = torch.no_grad();
        foreach (var r in results)
        {
            using var scope = torch.NewDisposeScope();
            long[] all = [.. Prompts[r.PromptIndex].Select(t => (long)t), .. r.Tokens.Select(t => (long)t)];
            int p = Prompts[r.PromptIndex].Count;
            var logits = model.Forward(TestModels.Ids(all)).narrow(1, p - 1, r.Tokens.Length);
            var targets = TestModels.Ids(r.Tokens.Select(t => (long)t).ToArray());
            var plain = TokenLogProbs.Gather(logits, targets)[0].data<float>().ToArray();
            var scaled = TokenLogProbs.Gather(logits, targets, temperature: 0.7)[0].data<float>().ToArray();
            Assert.NotNull(r.SamplingLogProbs);
            for (int t = 0; t < plain.Length; t++)
            {
                Assert.Equal(plain[t], r.LogProbs[t], 1e-4);
                Assert.Equal(scaled[t], r.SamplingLogProbs![t], 1e-4);
            }
        }
    }

    [Fact]
    public void BatchedResultsEqualEachPromptAlone()
    {
        using var model = TestModels.Small(TestModels.Qwen, seed: 9);
        var generator = new BatchedGenerator(model);
        var options = new SamplingOptions { Temperature = 0, MaxNewTokens = 5 };
        var batched = generator.Generate(Prompts, options);
        for (int i = 0; i < Prompts.Length; i++)
        {
            var alone = generator.Generate([Prompts[i]], options)[0];
            Assert.Equal(alone.Tokens, batched[i].Tokens);
        }
    }

    [Fact]
    public void ChunkedPrefillGivesTheSameResult()
    {
        using var model = TestModels.Small(TestModels.DistillLlama, seed: 5);
        var generator = new BatchedGenerator(model);
        var options = new SamplingOptions { Temperature = 0.8, MaxNewTokens = 6, Seed = 3 };
        var whole = generator.Generate(Prompts, options);
        var chunked = generator.Generate(Prompts, options with { PrefillChunkTokens = 4 }); // 1 position per pass for 3 prompts
        for (int i = 0; i < Prompts.Length; i++)
        {
            Assert.Equal(whole[i].Tokens, chunked[i].Tokens);
            for (int t = 0; t < whole[i].LogProbs.Length; t++) Assert.Equal(whole[i].LogProbs[t], chunked[i].LogProbs[t], 1e-4);
        }
    }

    [Fact]
    public void SeededSamplingRepeatsExactlyAndDifferentSeedsDiffer()
    {
        using var model = TestModels.Small(TestModels.Llama, seed: 2);
        var generator = new BatchedGenerator(model);
        var options = new SamplingOptions { Temperature = 1.5, MaxNewTokens = 12, Seed = 123 };
        var a = generator.Generate(Prompts, options);
        var b = generator.Generate(Prompts, options);
        var c = generator.Generate(Prompts, options with { Seed = 124 });
        for (int i = 0; i < Prompts.Length; i++)
        {
            Assert.Equal(a[i].Tokens, b[i].Tokens);
            Assert.Equal(a[i].LogProbs, b[i].LogProbs);
        }
        Assert.Contains(Enumerable.Range(0, Prompts.Length), i => !a[i].Tokens.SequenceEqual(c[i].Tokens));
    }

    [Fact]
    public void EosEndsASequenceAndIsKept()
    {
        using var model = TestModels.Small(TestModels.Qwen, seed: 4);
        var generator = new BatchedGenerator(model);
        var free = generator.Generate(Prompts, new SamplingOptions { Temperature = 0, MaxNewTokens = 8 });
        // Declare the third greedy token of prompt 0 an EOS id: that row must stop right there.
        int eos = free[0].Tokens[2];
        var stopped = generator.Generate(Prompts, new SamplingOptions { Temperature = 0, MaxNewTokens = 8, EosIds = [eos] });
        int firstEos = Array.IndexOf(free[0].Tokens, eos);
        Assert.Equal(FinishReason.Eos, stopped[0].FinishReason);
        Assert.Equal(free[0].Tokens[..(firstEos + 1)], stopped[0].Tokens);
        for (int i = 0; i < Prompts.Length; i++)
        {
            int at = Array.IndexOf(free[i].Tokens, eos);
            if (at < 0)
            {
                Assert.Equal(FinishReason.Length, stopped[i].FinishReason);
                Assert.Equal(free[i].Tokens, stopped[i].Tokens); // rows dropped from the batch do not disturb the others
            }
            else Assert.Equal(free[i].Tokens[..(at + 1)], stopped[i].Tokens);
        }
    }

    [Fact]
    public void StopStringEndsASequenceAndIsReported()
    {
        using var model = TestModels.Small(TestModels.Qwen, seed: 4);
        var generator = new BatchedGenerator(model);
        static string Decode(IReadOnlyList<int> ids) => string.Concat(ids.Select(i => $"<{i}>"));
        var free = generator.Generate([Prompts[0]], new SamplingOptions { Temperature = 0, MaxNewTokens = 8 })[0];
        string stop = $"<{free.Tokens[3]}>";
        int first = Array.IndexOf(free.Tokens, free.Tokens[3]);
        var r = generator.Generate([Prompts[0]], new SamplingOptions { Temperature = 0, MaxNewTokens = 8, StopStrings = [stop, "never"], Decoder = Decode })[0];
        Assert.Equal(FinishReason.StopString, r.FinishReason);
        Assert.Equal(stop, r.StopString);
        Assert.Equal(free.Tokens[..(first + 1)], r.Tokens);
        Assert.Throws<ArgumentException>(() => generator.Generate([Prompts[0]], new SamplingOptions { StopStrings = ["x"] }));
    }

    [Fact]
    public void BadPromptsAreClearErrors()
    {
        using var model = TestModels.Small(TestModels.Qwen);
        var generator = new BatchedGenerator(model);
        var e = Assert.Throws<ArgumentException>(() => generator.Generate([[1, 2], [5000]], new SamplingOptions()));
        Assert.Contains("prompt 1", e.Message);
        Assert.Throws<ArgumentException>(() => generator.Generate([[]], new SamplingOptions()));
        Assert.Throws<ArgumentException>(() => generator.Generate([[1]], new SamplingOptions { TopP = 0 }));
    }

    [Fact]
    public void CancellationStopsGeneration()
    {
        using var model = TestModels.Small(TestModels.Qwen);
        using var cts = new CancellationTokenSource();
        int reported = 0;
        var progress = new SynchronousProgress(n => { reported += n; if (reported >= 6) cts.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => new BatchedGenerator(model).Generate(Prompts, new SamplingOptions { MaxNewTokens = 50, Temperature = 0 }, cts.Token, progress));
        Assert.True(reported >= 6);
    }

    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
