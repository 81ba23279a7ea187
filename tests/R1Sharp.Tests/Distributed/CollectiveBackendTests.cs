using R1Sharp.Distributed;
using R1Sharp.Training.DataParallel;

namespace R1Sharp.Tests.Distributed;

/// <summary>The pieces of data-parallel training that one process can check: shares, the single-rank backend, and the errors when MPI is missing.</summary>
public sealed class CollectiveBackendTests
{
    [Theory]
    [InlineData(3, 2)]
    [InlineData(16, 3)]
    [InlineData(1, 4)]
    public void RankSharesCoverEveryGroupOnceInOrder(int groups, int ranks)
    {
        var shares = Enumerable.Range(0, ranks).Select(r => RankShare.Of(groups, r, ranks)).ToList();
        Assert.Equal(Enumerable.Range(0, groups), shares.SelectMany(s => Enumerable.Range(s.Start, s.End - s.Start)));
        Assert.True(shares.Max(s => s.End - s.Start) - shares.Min(s => s.End - s.Start) <= 1);
    }

    [Fact]
    public void OneProcessIsTheIdentity()
    {
        var single = SingleProcessBackend.Instance;
        double[] values = [1.5, -2];
        single.AllReduceSum(values.AsSpan());
        Assert.Equal([1.5, -2], values);
        Assert.Equal([[3.0]], single.AllGather([3.0]));
        Assert.True(single.Any(true));
        Assert.Equal([7], single.Broadcast([7]));
        Assert.Equal((0, 1), (single.Rank, single.Size));
    }

    [Fact]
    public void AMissingMpiLibraryIsAClearError()
    {
        var e = Assert.Throws<DistributedException>(() => MpiLibrary.Load(["/nonexistent/libmpi.so.40"]));
        Assert.Contains("no MPI library could be loaded (tried /nonexistent/libmpi.so.40)", e.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install openmpi-bin libopenmpi-dev", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALibraryThatIsNotOpenMpiIsRefused()
    {
        var e = Assert.Throws<DistributedException>(() => MpiLibrary.Load(["libc.so.6"]));
        Assert.Contains("has no symbol 'ompi_mpi_comm_world': only Open MPI", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownBackendNameIsRefusedByTheOptions()
    {
        var problems = R1Sharp.Training.Configuration.GrpoOptionsValidator.Problems(new R1Sharp.Training.Configuration.GrpoOptions { DistributedBackend = "gloo", WeightCheckSteps = -1 });
        Assert.Contains(problems, p => p.StartsWith("distributed_backend: must be auto, mpi, nccl or single", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("weight_check_steps: must be ≥ 0", StringComparison.Ordinal));
    }
}
