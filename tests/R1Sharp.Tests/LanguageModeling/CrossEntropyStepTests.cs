using R1Sharp.Training.LanguageModeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Tests.LanguageModeling;

public class CrossEntropyStepTests
{
    // The "model" is its own logits: one parameter [1, 3, 2], zero at the start, so every token's loss is ln 2 and the
    // gradient of a target's loss at its position is softmax − one-hot = (0.5, 0.5) − one-hot.
    private static Parameter Logits() => new(zeros(1, 3, 2));

    private static TokenBatch Batch(long[] labels) => new(zeros(1, 3, ScalarType.Int64), zeros(1, 3, ScalarType.Int64),
        tensor(labels, [1, 3]), ones(1, 1, 3, 3, ScalarType.Bool), ones(1, 3, ScalarType.Int64),
        labels.Count(l => l != TokenBatchCollator.IgnoreLabel), 3, 3);

    private static (CrossEntropyStepResult Result, float[] Weights) Train(double maxGradNorm, params long[][] microBatches) =>
        Train(maxGradNorm, workers: 1, microBatches);

    private static (CrossEntropyStepResult Result, float[] Weights) Train(double maxGradNorm, int workers, params long[][] microBatches)
    {
        using var scope = NewDisposeScope();
        var logits = Logits();
        using var optimizer = optim.SGD([logits], 1.0);
        var step = new CrossEntropyStep(_ => logits * 1, [logits], maxGradNorm).WithConcurrentMicroBatches(workers);
        long targets = microBatches.Sum(m => m.Count(l => l != TokenBatchCollator.IgnoreLabel));
        var result = step.Run(optimizer, [.. microBatches.Select(m => (Func<TokenBatch>)(() => Batch(m)))], targets);
        return (result, logits.data<float>().ToArray());
    }

    [Fact]
    public void TheLossIsTheMeanPerTargetTokenAndTheUpdateFollowsItsGradient()
    {
        const long none = TokenBatchCollator.IgnoreLabel;
        var (result, weights) = Train(0, [1, none, 0]);
        Assert.Equal(Math.Log(2), result.Loss, 6);
        Assert.Equal(2, result.TargetTokens);
        // dL/dz = (softmax − one-hot) / 2 targets: (0.25, −0.25) at position 0, 0 at 1, (−0.25, 0.25) at 2; norm 0.5.
        Assert.Equal(0.5, result.GradNorm, 6);
        Assert.Equal(new[] { -0.25f, 0.25f, 0, 0, 0.25f, -0.25f }, weights);
    }

    [Fact]
    public void AccumulatedMicroBatchesEqualOneBatchOfAllTheirTokens()
    {
        const long none = TokenBatchCollator.IgnoreLabel;
        var (one, whole) = Train(0, [1, none, 0]);
        var (split, accumulated) = Train(0, [1, none, none], [none, none, 0]);
        Assert.Equal(one.Loss, split.Loss, 6);
        Assert.Equal(one.GradNorm, split.GradNorm, 6);
        Assert.Equal(whole, accumulated);
        Assert.Equal(6, split.TotalTokens);
    }

    [Fact]
    public void ConcurrentMicroBatchesSumTheGradientOfTheSequentialOnes()
    {
        const long none = TokenBatchCollator.IgnoreLabel;
        long[][] microBatches = [[1, none, none], [none, 0, none], [none, none, 0], [1, 1, none]];
        var (sequential, sequentialWeights) = Train(0, workers: 1, microBatches);
        var (concurrent, concurrentWeights) = Train(0, workers: 2, microBatches);
        Assert.Equal(sequential.Loss, concurrent.Loss, 12);
        Assert.Equal(sequential.GradNorm, concurrent.GradNorm, 6);
        Assert.Equal(sequential.TotalTokens, concurrent.TotalTokens);
        Assert.Equal(sequentialWeights, concurrentWeights);
        // Every micro-batch counted: 5 targets over positions 0 (twice), 1 (twice) and 2.
        Assert.Equal(5, sequential.TargetTokens);
        Assert.Equal(12, concurrent.TotalTokens);
    }

    [Fact]
    public void TheGradientIsClippedToTheMaximumNorm()
    {
        var (result, weights) = Train(0.25, [1, TokenBatchCollator.IgnoreLabel, 0]);
        Assert.Equal(0.5, result.GradNorm, 6); // reported before clipping, as transformers logs it
        Assert.Equal(new[] { -0.125, 0.125, 0, 0, 0.125, -0.125 }, weights.Select(w => Math.Round(w, 5)));
    }

    [Fact]
    public void MeanLossSkipsBatchesWithoutTargetsAndLeavesNoGradient()
    {
        using var scope = NewDisposeScope();
        var logits = Logits();
        var step = new CrossEntropyStep(_ => logits * 1, [logits], 0);
        const long none = TokenBatchCollator.IgnoreLabel;
        Assert.Equal(Math.Log(2), step.MeanLoss([() => Batch([1, 0, none]), () => Batch([none, none, none])]), 6);
        Assert.Null(logits.grad);
        Assert.True(double.IsNaN(step.MeanLoss([() => Batch([none, none, none])])));
    }
}
