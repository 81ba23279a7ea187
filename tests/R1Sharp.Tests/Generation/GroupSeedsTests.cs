using R1Sharp.Generation;
using R1Sharp.Tests.Models;
using R1Sharp.Training.Rollouts;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Generation;

/// <summary>
/// Per-group seeded sampling (issue 17): a group of rows that draws from its own generator samples the same tokens alone
/// (one seed) and inside a batch with other groups of other prompt lengths (group seeds), so a data-parallel rank can
/// sample all its GRPO groups in one batch and still give each group the completions it gets on any number of ranks.
/// </summary>
public class GroupSeedsTests
{
    private static readonly IReadOnlyList<int> Short = [7, 70], Middle = [5, 9, 14, 20, 31], Long = [3, 1, 4, 1, 5, 9, 2, 6, 11, 12, 13];

    [Theory]
    [InlineData(TestModels.Qwen)]
    [InlineData(TestModels.Llama)]
    public void AGroupSamplesTheSameTokensAloneAndInsideABatchOfOtherGroups(string name)
    {
        using var model = TestModels.Small(name, seed: 7);
        var generator = new BatchedGenerator(model);
        // Eight EOS ids (of 96) make rows finish at different steps, so rows leave the batch while others go on.
        var options = new SamplingOptions { Temperature = 1.2, TopP = 0.95, MaxNewTokens = 10, EosIds = [.. Enumerable.Range(0, 8).Select(i => 12 * i + 5)], SamplingLogProbs = SamplingLogProbKind.TemperatureScaled };
        IReadOnlyList<int>[] groups = [Long, Middle, Short];
        long[] seeds = [11, 22, 33];
        const int g = 3;
        var batch = generator.Generate([.. groups.SelectMany(p => Enumerable.Repeat(p, g))], options with { GroupSeeds = new GroupSeeds(g, seeds) });
        int finishedEarly = 0;
        for (int k = 0; k < groups.Length; k++)
        {
            var alone = generator.Generate([.. Enumerable.Repeat(groups[k], g)], options with { Seed = seeds[k] });
            for (int r = 0; r < g; r++)
            {
                var inBatch = batch[k * g + r];
                Assert.Equal(alone[r].Tokens, inBatch.Tokens);
                Assert.Equal(alone[r].FinishReason, inBatch.FinishReason);
                if (inBatch.Tokens.Length < options.MaxNewTokens) finishedEarly++;
                // Left padding, the mask and positions keep a row's logits its own up to float rounding (libtorch's
                // GEMM sums in another order for another number of rows; see docs/distributed.md).
                for (int t = 0; t < alone[r].LogProbs.Length; t++) Assert.Equal(alone[r].LogProbs[t], inBatch.LogProbs[t], 1e-4);
            }
        }
        Assert.True(finishedEarly > 0, "no row finished before the others: the test would not cover rows leaving the batch");
        // Not every group draws the same: the seeds matter.
        Assert.False(batch[0].Tokens.SequenceEqual(batch[g].Tokens) && batch[g].Tokens.SequenceEqual(batch[2 * g].Tokens));
    }

    [Fact]
    public void GroupSeedsGiveTheSameTokensWhateverTheBatchsOtherGroupsAndOrder()
    {
        using var model = TestModels.Small(TestModels.Qwen, seed: 8);
        var generator = new BatchedGenerator(model);
        var options = new SamplingOptions { Temperature = 1.0, MaxNewTokens = 8 };
        const int g = 2;
        var three = generator.Generate([Middle, Middle, Short, Short, Long, Long], options with { GroupSeeds = new GroupSeeds(g, [5, 6, 7]) });
        var two = generator.Generate([Long, Long, Middle, Middle], options with { GroupSeeds = new GroupSeeds(g, [7, 5]) });
        Assert.Equal(three[4].Tokens, two[0].Tokens); // Long, seed 7
        Assert.Equal(three[5].Tokens, two[1].Tokens);
        Assert.Equal(three[0].Tokens, two[2].Tokens); // Middle, seed 5
        Assert.Equal(three[1].Tokens, two[3].Tokens);
    }

    [Fact]
    public async Task TheInProcessEngineChunksByWholeGroupsWithoutChangingTheirSamples()
    {
        using var model = TestModels.Small(TestModels.Qwen, seed: 9);
        const int g = 2;
        IReadOnlyList<int>[] prompts = [.. new[] { Long, Short, Middle }.SelectMany(p => Enumerable.Repeat(p, g))];
        var settings = new RolloutSettings(MaxNewTokens: 6, Temperature: 1.0, TopP: 1.0, EosIds: [], Seed: 0, PadId: 0, new SampleableIds(96))
        {
            GroupSeeds = new GroupSeeds(g, [101, 202, 303]),
        };
        var oneBatch = new InProcessRolloutEngine(model);
        var threeRowsAtATime = new InProcessRolloutEngine(model, maxBatchSize: 3); // one whole group per chunk
        Assert.True(oneBatch.SeedsEachGroup);
        var whole = await oneBatch.GenerateAsync(prompts, settings, CancellationToken.None);
        var chunked = await threeRowsAtATime.GenerateAsync(prompts, settings, CancellationToken.None);
        Assert.Equal(whole.Select(r => r.PromptIndex), chunked.Select(r => r.PromptIndex));
        for (int i = 0; i < prompts.Length; i++) Assert.Equal(whole[i].Tokens, chunked[i].Tokens);
        // The group seeds, not the request seed, decide: another request seed changes nothing.
        var reseeded = await oneBatch.GenerateAsync(prompts, settings with { Seed = 999 }, CancellationToken.None);
        for (int i = 0; i < prompts.Length; i++) Assert.Equal(whole[i].Tokens, reseeded[i].Tokens);
    }

    [Fact]
    public void SeedsThatDoNotFitTheBatchAreClearErrors()
    {
        using var model = TestModels.Small(TestModels.Qwen);
        var generator = new BatchedGenerator(model);
        var wrongCount = Assert.Throws<ArgumentException>(() => generator.Generate([Short, Short, Middle], new SamplingOptions { GroupSeeds = new GroupSeeds(2, [1, 2]) }));
        Assert.Contains("cover 4 rows (2 groups of 2), but the batch has 3", wrongCount.Message, StringComparison.Ordinal);
        var both = Assert.Throws<ArgumentException>(() => generator.Generate([Short], new SamplingOptions { Seed = 1, GroupSeeds = new GroupSeeds(1, [1]) }));
        Assert.Contains("exclusive", both.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GroupSeeds(0, [1]));
        Assert.Throws<ArgumentException>(() => new GroupSeeds(1, []));
    }
}
