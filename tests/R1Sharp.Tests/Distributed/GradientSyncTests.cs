using R1Sharp.Distributed;
using R1Sharp.Training.DataParallel;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Distributed;

/// <summary>
/// <see cref="GradientSync"/> on two simulated ranks that hold the same gradients (so every sum is twice the rank's
/// own): each gradient comes back summed, a missing one as zeros, the large ones reduced in their own memory and the
/// small ones in one shared collective.
/// </summary>
public sealed class GradientSyncTests
{
    [Fact]
    public void LargeGradientsTravelAloneAndSmallOnesTogether()
    {
        long large = GradientSync.InPlaceElements;
        using var embedding = new Parameter(zeros([large / 4, 4]));
        using var norm = new Parameter(zeros([16]));
        using var bias = new Parameter(zeros([3]));
        using var unused = new Parameter(ones([5]));
        using var projection = new Parameter(zeros([2, large]));
        Parameter[] parameters = [embedding, norm, bias, unused, projection];
        using var generator = new Generator(3);
        foreach (var p in new[] { embedding, norm, bias, projection }) p.grad = randn(p.shape, generator: generator);
        var before = parameters.Select(p => p.grad?.clone()).ToArray();
        var ranks = new TwinRanks();

        GradientSync.AllReduce(ranks, parameters);

        for (int i = 0; i < parameters.Length; i++)
        {
            var expected = before[i] is { } g ? (g * 2).data<float>().ToArray() : new float[parameters[i].numel()];
            Assert.Equal(expected, parameters[i].grad!.data<float>().ToArray());
        }
        // The embedding and the projection in their own memory, then norm + bias + the unused parameter's zeros.
        Assert.Equal([large, 2 * large, 16 + 3 + 5], ranks.Reduced);
        Assert.Equal(Address(embedding.grad!), ranks.Addresses[0]);
        Assert.Equal(Address(projection.grad!), ranks.Addresses[1]);
    }

    [Fact]
    public void OneRankReducesNothing()
    {
        using var p = new Parameter(zeros([4]));
        var ranks = new TwinRanks(size: 1);
        GradientSync.AllReduce(ranks, [p]);
        Assert.Empty(ranks.Reduced);
        Assert.Null(p.grad);
    }

    private static nint Address(Tensor t) => t.storage<float>().data_ptr();

    // Two ranks with identical data: a sum is the rank's own values doubled. Records each collective's length and
    // whether it was a parameter's own gradient memory.
    private sealed class TwinRanks(int size = 2) : ICollectiveBackend
    {
        public List<long> Reduced { get; } = [];

        public List<nint> Addresses { get; } = [];

        public int Rank => 0;

        public int Size => size;

        public string Name => "twins";

        public void AllReduceSum(Tensor tensor)
        {
            Reduced.Add(tensor.numel());
            Addresses.Add(Address(tensor));
            using var _ = no_grad();
            tensor.mul_(R1Sharp.TorchInterop.HeldScalars.Two);
        }

        public void AllReduceSum(Span<float> values) => throw new NotSupportedException();

        public void AllReduceSum(Span<double> values) => throw new NotSupportedException();

        public byte[] Broadcast(byte[] data, int root = 0) => data;

        public void Barrier()
        {
        }

        public void Abort(int exitCode) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}
