using R1Sharp.Training.Grpo;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Training;

public class TrainingRowsTests
{
    // Two prompts, G = 2: prompt 0 = [5, 6], prompt 1 = [7]; completions [8], [9, 10], [11, 1], [] (pad 0).
    private static TrainingRows Rows() => TrainingRows.Build([[5, 6], [7]], generations: 2,
        [[8], [9, 10], [11, 1], []], [false, true, false, false], padId: 0);

    [Fact]
    public void PromptsAreLeftPaddedAndCompletionsRightPaddedSoCompletionTokenTSitsInColumnPPlusT()
    {
        var rows = Rows();
        Assert.Equal(4, rows.Count);
        Assert.Equal(2, rows.PromptWidth);
        Assert.Equal(2, rows.CompletionWidth);
        Assert.Equal(new long[]
        {
            5, 6, 8, 0,
            5, 6, 9, 10,
            0, 7, 11, 1,
            0, 7, 0, 0,
        }, rows.Ids);
        Assert.Equal(new long[]
        {
            1, 1, 1, 0,
            1, 1, 1, 1,
            0, 1, 1, 1,
            0, 1, 0, 0,
        }, rows.Attention);
    }

    [Fact]
    public void ASliceDropsTheLastInputColumnAndTargetsTheCompletionColumns()
    {
        using var scope = NewDisposeScope();
        var (input, mask, targets) = Rows().Slice(new MicroBatch(1, 3), CPU);
        Assert.Equal(new long[] { 2, 3 }, input.shape);
        Assert.Equal(new long[] { 5, 6, 9, 0, 7, 11 }, input.data<long>().ToArray());
        Assert.Equal(new long[] { 1, 1, 1, 0, 1, 1 }, mask.data<long>().ToArray());
        Assert.Equal(new long[] { 9, 10, 11, 1 }, targets.data<long>().ToArray());
    }

    [Fact]
    public void AMicroBatchIsOnlyAsWideAsItsOwnLongestPromptAndCompletion()
    {
        using var scope = NewDisposeScope();
        var rows = Rows();
        var last = new MicroBatch(3, 4); // prompt [7], empty completion: p = 1, c = 1 (of P = 2, C = 2)
        Assert.Equal(1, rows.PromptWidthOf(last));
        Assert.Equal(1, rows.CompletionWidthOf(last));
        var (input, mask, targets) = rows.Slice(last, CPU);
        Assert.Equal(new long[] { 7 }, input.data<long>().ToArray());
        Assert.Equal(new long[] { 1 }, mask.data<long>().ToArray());
        Assert.Equal(new long[] { 0 }, targets.data<long>().ToArray());
        Assert.Equal(new float[] { 0 }, rows.CompletionMask(last, false).data<float>().ToArray());
        // Rows 2 and 3: one-token prompts, completions of 2 and 0 tokens: the prompt's padding column is dropped.
        var (pair, pairMask, pairTargets) = rows.Slice(new MicroBatch(2, 4), CPU);
        Assert.Equal(new long[] { 7, 11, 7, 0 }, pair.data<long>().ToArray());
        Assert.Equal(new long[] { 1, 1, 1, 0 }, pairMask.data<long>().ToArray());
        Assert.Equal(new long[] { 11, 1, 0, 0 }, pairTargets.data<long>().ToArray());
    }

    [Fact]
    public void TheCompletionMaskCoversRealTokensAndOptionallyLeavesTruncatedRowsOut()
    {
        using var scope = NewDisposeScope();
        var rows = Rows();
        var all = new MicroBatch(0, 4);
        Assert.Equal(new float[] { 1, 0, 1, 1, 1, 1, 0, 0 }, rows.CompletionMask(all, maskTruncated: false).data<float>().ToArray());
        Assert.Equal(new float[] { 1, 0, 0, 0, 1, 1, 0, 0 }, rows.CompletionMask(all, maskTruncated: true).data<float>().ToArray());
        Assert.Equal(new float[] { 1, 1 }, rows.CompletionMask(new MicroBatch(2, 3), false).data<float>().ToArray());
        Assert.Equal(5, rows.LossTokens(maskTruncated: false));
        Assert.Equal(3, rows.LossTokens(maskTruncated: true));
    }

    [Fact]
    public void AnAllEmptyBatchStillHasOneCompletionColumn()
    {
        var rows = TrainingRows.Build([[3]], 2, [[], []], [false, false], padId: 0);
        Assert.Equal(1, rows.CompletionWidth);
        Assert.Equal(new long[] { 3, 0, 3, 0 }, rows.Ids);
        Assert.Equal(0, rows.LossTokens(false));
    }

    [Fact]
    public void MoreCompletionsThanPromptsTimesGenerationsAreRefused() =>
        Assert.Throws<ArgumentException>(() => TrainingRows.Build([[3]], 1, [[4], [5]], [false, false], 0));
}
