using R1Sharp.Training.Grpo;

namespace R1Sharp.Tests.Training;

public class LengthBalancedGroupOrderTests
{
    [Fact]
    public void OneWorkerTrainsTheGroupsShortestFirstSoEachMicroBatchHoldsSimilarLengths() =>
        // Widths 90, 20, 60, 30 → sorted 1 (20), 3 (30), 2 (60), 0 (90); two micro-batches: {1, 3} and {2, 0}.
        Assert.Equal([1, 3, 2, 0], LengthBalancedGroupOrder.Of([90, 20, 60, 30], rowsPerGroup: 8, microBatches: 2, workers: 1));

    [Fact]
    public void TwoWorkersGetSharesOfEqualCost()
    {
        // Eight groups, four micro-batches of two: sorted chunks {20, 25}, {30, 40}, {50, 60}, {80, 90} cost (groups ×
        // widest) 50, 80, 120, 180. Longest first to the cheaper share: 180 → 0, 120 → 1, 80 → 1 (120 < 180),
        // 50 → 0 (share 1 is full). Shares: {80, 90, 20, 25} = 230 and {50, 60, 30, 40} = 200.
        int[] widths = [60, 20, 90, 40, 25, 80, 30, 50];
        var order = LengthBalancedGroupOrder.Of(widths, rowsPerGroup: 8, microBatches: 4, workers: 2);
        Assert.Equal([5, 2, 1, 4, 7, 0, 6, 3], order);
        // In sampling order the four micro-batches would be as wide as 60, 90, 80 and 50; sorted, 25, 40, 60 and 90.
        Assert.Equal(Enumerable.Range(0, 8), order.Order()); // every group once
    }

    [Fact]
    public void MicroBatchesThatWouldSplitAGroupKeepTheSamplingOrder()
    {
        Assert.Equal([0, 1, 2], LengthBalancedGroupOrder.Of([30, 10, 20], 8, microBatches: 2, workers: 2)); // 3 groups, 2 micro-batches
        Assert.Equal([0, 1], LengthBalancedGroupOrder.Of([30, 10], 8, microBatches: 1, workers: 2));
    }

    [Fact]
    public void EqualWidthsKeepTheirSamplingOrder() =>
        Assert.Equal([0, 1, 2, 3], LengthBalancedGroupOrder.Of([5, 5, 5, 5], 4, microBatches: 2, workers: 1));
}
