using R1Sharp.Models;
using R1Sharp.TorchInterop;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Models;

public class LogitScratchTests
{
    [Fact]
    public void AReturnedBlockServesTheNextRequestOfItsSizeOrLess()
    {
        using var scratch = new LogitScratch();
        IntPtr first;
        using (var lease = scratch.Rent(4, 10, CPU))
        {
            Assert.Equal([4L, 10L], lease.View.shape);
            Assert.Equal(ScalarType.Float32, lease.View.dtype);
            first = NativeTensorData.Pointer(lease.View);
        }
        Assert.Equal(40, scratch.IdleElements);
        using (var smaller = scratch.Rent(3, 10, CPU))
        {
            Assert.Equal(first, NativeTensorData.Pointer(smaller.View)); // the same memory, not a new allocation
            Assert.Equal(0, scratch.IdleElements);
        }
        using var larger = scratch.Rent(5, 10, CPU);
        Assert.NotEqual(first, NativeTensorData.Pointer(larger.View)); // too small: a new block, the old one stays idle
        Assert.Equal(40, scratch.IdleElements);
    }

    [Fact]
    public void AsManyIdleBlocksAreKeptAsWereEverRentedAtOnce()
    {
        using var scratch = new LogitScratch();
        var leases = new[] { scratch.Rent(1, 10, CPU), scratch.Rent(2, 10, CPU), scratch.Rent(3, 10, CPU) };
        foreach (var lease in leases) lease.Dispose();
        Assert.Equal(3, scratch.IdleLimit);
        Assert.Equal(10 + 20 + 30, scratch.IdleElements); // concurrent workers find theirs again next step
        leases[0].Dispose(); // a second dispose gives nothing back twice
        Assert.Equal(60, scratch.IdleElements);
    }

    [Fact]
    public void ABlockAllocatedBecauseTheIdleOnesWereTooSmallReplacesTheSmallest()
    {
        using var scratch = new LogitScratch();
        scratch.Rent(1, 10, CPU).Dispose();
        scratch.Rent(2, 10, CPU).Dispose(); // one at a time: the 10-element block is too small, so a new one is made
        Assert.Equal(1, scratch.IdleLimit);
        Assert.Equal(20, scratch.IdleElements); // the larger kept, the smaller freed
    }

    [Fact]
    public void ADisposedScratchStillRentsButKeepsNothing()
    {
        var scratch = new LogitScratch();
        scratch.Rent(2, 8, CPU).Dispose();
        Assert.Equal(16, scratch.IdleElements);
        scratch.Dispose();
        Assert.Equal(0, scratch.IdleElements);
        using (var lease = scratch.Rent(2, 8, CPU)) lease.View.fill_(HeldScalars.One);
        Assert.Equal(0, scratch.IdleElements);
    }

    [Theory]
    [InlineData(ScalarType.Float32, 1e-5)]
    [InlineData(ScalarType.BFloat16, 2e-2)]
    public void StaleBlocksDoNotLeakIntoLogProbsEntropiesOrGradients(ScalarType dtype, double tolerance)
    {
        using var scope = NewDisposeScope();
        var generator = new torch.Generator(5);
        var hidden = randn([2, 7, 16], generator: generator).to(dtype).requires_grad_(true);
        var weight = randn([50, 16], generator: generator).to(dtype).requires_grad_(true);
        var targets = randint(0, 50, [2, 7], generator: generator);
        var upstream = randn([2, 7], generator: generator);
        using var scratch = new LogitScratch();
        // Leave NaN in two blocks large enough for every chunk: a product that read them would turn NaN.
        var poisoned = new[] { scratch.Rent(4, 50, CPU), scratch.Rent(4, 50, CPU) };
        foreach (var lease in poisoned)
        {
            lease.View.fill_(HeldScalars.NegativeInfinity).mul_(HeldScalars.Zero); // −∞ · 0 = NaN
            lease.Dispose();
        }

        var (chunked, entropy) = ChunkedTokenLogProbs.GatherWithEntropy(hidden, weight, targets, 0.9, 4, withEntropy: true, scratch);
        (chunked * upstream).sum().backward();
        var (hiddenGrad, weightGrad) = (hidden.grad!.to(ScalarType.Float32).clone(), weight.grad!.to(ScalarType.Float32).clone());
        hidden.grad!.zero_();
        weight.grad!.zero_();
        var plain = TokenLogProbs.Gather(nn.functional.linear(hidden, weight), targets, 0.9);
        (plain * upstream).sum().backward();

        Assert.False(chunked.isnan().any().item<bool>() || entropy!.isnan().any().item<bool>() || hiddenGrad.isnan().any().item<bool>() || weightGrad.isnan().any().item<bool>());
        Assert.True(TestModels.MaxAbsDiff(plain, chunked) < tolerance * 10);
        Assert.True(ChunkedTokenLogProbsTests.RelativeDiff(hidden.grad!.to(ScalarType.Float32), hiddenGrad) < tolerance);
        Assert.True(ChunkedTokenLogProbsTests.RelativeDiff(weight.grad!.to(ScalarType.Float32), weightGrad) < tolerance);
        Assert.Equal(2 * 4 * 50, scratch.IdleElements); // the blocks came back after forward and backward, none added
    }

    [Fact]
    public void AModelKeepsItsScratchBetweenCallsAndFreesItWhenDisposed()
    {
        var model = TestModels.Small(TestModels.Qwen, seed: 2);
        var hidden = randn([1, 6, model.Config.HiddenSize]);
        var targets = randint(0, model.Config.VocabSize, [1, 6]);
        var first = ChunkedTokenLogProbs.Gather(hidden, model.OutputWeight, targets, 1.0, 4, model.LogitScratch);
        Assert.Equal(4 * model.Config.VocabSize, model.LogitScratch.IdleElements);
        var second = ChunkedTokenLogProbs.Gather(hidden, model.OutputWeight, targets, 1.0, 4, model.LogitScratch);
        Assert.Equal(0.0, TestModels.MaxAbsDiff(first, second)); // same inputs, same block: the same numbers
        model.Dispose();
        Assert.Equal(0, model.LogitScratch.IdleElements);
    }

    [Fact]
    public void NoPositionsGiveEmptyLogProbsAndZeroGradients()
    {
        var hidden = zeros([2, 0, 8]).requires_grad_(true);
        var weight = randn([30, 8]).requires_grad_(true);
        var (logProbs, entropy) = ChunkedTokenLogProbs.GatherWithEntropy(hidden, weight, zeros([2, 0], ScalarType.Int64), 1.0, 4, withEntropy: true);
        Assert.Equal([2L, 0L], logProbs.shape);
        Assert.Equal([2L, 0L], entropy!.shape);
        logProbs.sum().backward();
        Assert.Equal(0f, weight.grad!.abs().sum().item<float>());
    }
}
