using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.LanguageModeling;
using R1Sharp.Training.Sft;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Sft;

public class PackingTests
{
    private static List<TokenizedSequence> Samples()
    {
        var tokenizer = new CharacterTokenizer();
        var masker = new AssistantLossMask(tokenizer, new ChatMarkupRenderer());
        return [.. SftTestData.Arithmetic(5).Select(masker.Tokenize)];
    }

    [Fact]
    public void PackedLogitsEqualEachSampleRunAlone()
    {
        var samples = Samples();
        var tokenizer = new CharacterTokenizer();
        using var model = new TinyAttentionModel(tokenizer.VocabSize);
        model.eval();
        var collator = new TokenBatchCollator(samples, tokenizer.PadId);
        using var scope = NewDisposeScope();
        using var _ = no_grad();

        var packedRow = new PackedRow([0, 1, 2], samples.Take(3).Sum(s => s.Length));
        var packed = model.Forward(collator.Collate([packedRow], CPU));
        int offset = 0;
        for (int i = 0; i < 3; i++)
        {
            var alone = model.Forward(collator.Collate([new PackedRow([i], samples[i].Length)], CPU));
            var slice = packed[0].narrow(0, offset, samples[i].Length);
            double difference = (slice - alone[0]).abs().max().item<float>();
            Assert.True(difference < 1e-4, $"sample {i} differs by {difference} when packed");
            offset += samples[i].Length;
        }
    }

    [Fact]
    public void MaskIsBlockDiagonalCausalAndPositionsRestart()
    {
        var samples = Samples();
        var collator = new TokenBatchCollator(samples, padId: 2);
        using var scope = NewDisposeScope();
        int a = samples[0].Length, b = samples[1].Length;
        var batch = collator.Collate([new PackedRow([0, 1], a + b), new PackedRow([2], samples[2].Length)], CPU);

        var mask = batch.AttentionMask[0, 0];
        Assert.True(mask[a - 1, 0].item<bool>());          // end of sample 0 sees its start
        Assert.False(mask[a, a - 1].item<bool>());         // sample 1 never sees sample 0
        Assert.True(mask[a + 1, a].item<bool>());          // sample 1 sees its own start
        Assert.False(mask[0, 1].item<bool>());             // causal
        Assert.Equal(0L, batch.PositionIds[0, a].item<long>());
        Assert.Equal(b - 1L, batch.PositionIds[0, a + b - 1].item<long>());
        // Row 1 is shorter: it is padded, and the padding share counts exactly those positions.
        long padded = (a + b) - samples[2].Length;
        Assert.Equal(padded, batch.TotalTokens - batch.RealTokens);
        Assert.Equal((double)padded / batch.TotalTokens, batch.PaddingShare, 12);
        Assert.Equal(0L, batch.PaddingMask[1, a + b - 1].item<long>());
    }

    [Fact]
    public void LabelsAreTheNextAssistantTokenAndNeverCrossSamples()
    {
        var samples = Samples();
        var collator = new TokenBatchCollator(samples, padId: 2);
        using var scope = NewDisposeScope();
        int a = samples[0].Length;
        var batch = collator.Collate([new PackedRow([0, 1], a + samples[1].Length)], CPU);
        long[] labels = batch.Labels[0].data<long>().ToArray();

        for (int t = 0; t + 1 < a; t++)
            Assert.Equal(samples[0].Trainable[t + 1] ? samples[0].Ids[t + 1] : TokenBatchCollator.IgnoreLabel, labels[t]);
        Assert.Equal(TokenBatchCollator.IgnoreLabel, labels[a - 1]); // last token of sample 0 does not predict sample 1
        long expectedTargets = samples[0].Trainable.Skip(1).Count(x => x) + samples[1].Trainable.Skip(1).Count(x => x);
        Assert.Equal(expectedTargets, batch.TargetTokens);
        Assert.Equal(expectedTargets, labels.Count(l => l != TokenBatchCollator.IgnoreLabel));
    }

    [Theory]
    [InlineData(SequenceLayout.Packed)]
    [InlineData(SequenceLayout.Bucketed)]
    public void EverySampleIsPlacedOnceWithinCapacityAndThePlanIsReproducible(SequenceLayout layout)
    {
        var random = new Random(5);
        int[] lengths = [.. Enumerable.Range(0, 200).Select(_ => random.Next(1, 60))];
        var plan = SequencePacker.Plan(lengths, layout, maxLength: 64, rowsPerBatch: 4, seed: 1, epoch: 0);

        var placed = plan.SelectMany(b => b).SelectMany(r => r.Samples).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 200), placed);
        Assert.All(plan.SelectMany(b => b), r => Assert.True(r.Length <= 64 && r.Length == r.Samples.Sum(i => lengths[i])));
        Assert.All(plan, b => Assert.InRange(b.Count, 1, 4));

        var again = SequencePacker.Plan(lengths, layout, 64, 4, seed: 1, epoch: 0);
        Assert.Equal(Flatten(plan), Flatten(again));
        var nextEpoch = SequencePacker.Plan(lengths, layout, 64, 4, seed: 1, epoch: 1);
        Assert.NotEqual(Flatten(plan), Flatten(nextEpoch));
    }

    [Fact]
    public void ThePlanForAGivenSeedIsTheSameInEveryProcess()
    {
        // Literal orders computed once: a seed derived from a per-process hash (HashCode.Combine) would change them
        // from one test run to the next, and a resumed SFT run would then see other batches than the first one.
        int[] same = [.. Enumerable.Repeat(4, 12)];
        int[] lengths = [.. Enumerable.Range(1, 12)];
        var bucketed = SequencePacker.Plan(same, SequenceLayout.Bucketed, maxLength: 16, rowsPerBatch: 3, seed: 5, epoch: 0);
        var packed = SequencePacker.Plan(lengths, SequenceLayout.Packed, maxLength: 16, rowsPerBatch: 2, seed: 5, epoch: 1);
        Assert.Equal("11;1;8|0;7;5|10;4;2|6;9;3", Flatten(bucketed));
        Assert.Equal("7,2,1,0;11,3|10,4;9,5|8,6", Flatten(packed));
        Assert.Equal(2100154693, StableSeed.Derive(5, 0, 0x5F7));
        Assert.NotEqual(StableSeed.Derive(5, 0, 0x5F7), StableSeed.Derive(5, 1, 0x5F7));
    }

    [Fact]
    public void PackingLeavesLessPaddingThanOneSamplePerRow()
    {
        var random = new Random(9);
        int[] lengths = [.. Enumerable.Range(0, 300).Select(_ => random.Next(5, 120))];
        static double Padding(List<List<PackedRow>> plan) =>
            1 - (double)plan.Sum(b => b.Sum(r => r.Length)) / plan.Sum(b => b.Count * b.Max(r => r.Length));
        double packed = Padding(SequencePacker.Plan(lengths, SequenceLayout.Packed, 256, 4, 1, 0));
        double bucketed = Padding(SequencePacker.Plan(lengths, SequenceLayout.Bucketed, 256, 4, 1, 0));
        int[] shuffled = [.. Enumerable.Range(0, 300)];
        double naive = 1 - (double)lengths.Sum() / shuffled.Chunk(4).Sum(c => c.Length * c.Max(i => lengths[i]));
        Assert.True(packed < naive, $"packed {packed} vs naive {naive}");
        Assert.True(bucketed < naive, $"bucketed {bucketed} vs naive {naive}");
    }

    private static string Flatten(List<List<PackedRow>> plan) =>
        string.Join("|", plan.Select(b => string.Join(";", b.Select(r => string.Join(",", r.Samples)))));
}
