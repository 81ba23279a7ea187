using R1Sharp.Training.Grpo;

namespace R1Sharp.Tests.Training;

public class MicroBatchesTests
{
    [Fact]
    public void RowsAreSplitInOrderWithSizesDifferingByAtMostOne()
    {
        // k·n/m: 0·5/2 = 0, 1·5/2 = 2, 2·5/2 = 5.
        Assert.Equal([new MicroBatch(0, 2), new MicroBatch(2, 5)], MicroBatches.Split(5, 2));
        // 32 rows in 3: 0, 10, 21, 32.
        Assert.Equal([new MicroBatch(0, 10), new MicroBatch(10, 21), new MicroBatch(21, 32)], MicroBatches.Split(32, 3));
    }

    [Fact]
    public void NeverMoreMicroBatchesThanRowsAndNoneForNoRows()
    {
        Assert.Equal([new MicroBatch(0, 1), new MicroBatch(1, 2), new MicroBatch(2, 3)], MicroBatches.Split(3, 8));
        Assert.Empty(MicroBatches.Split(0, 4));
        Assert.Equal([new MicroBatch(0, 7)], MicroBatches.Split(7, 1));
    }

    [Fact]
    public void AtLeastOneAccumulationStep() => Assert.Throws<ArgumentOutOfRangeException>(() => MicroBatches.Split(4, 0));
}
