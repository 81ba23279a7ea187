using System.Text;
using R1Sharp.Distributed;
using R1Sharp.Training.DataParallel;
using R1Sharp.Training.Rollouts;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Distributed;

/// <summary>
/// <see cref="RankZeroWeightSync"/> without a launcher (issue 17): a scripted collective stands for the other ranks, so
/// what each rank does at a sync point is checked directly; DataParallelRemoteRolloutTests runs the same under mpirun.
/// </summary>
public sealed class RankZeroWeightSyncTests
{
    [Fact]
    public async Task RankZeroSyncsAndEveryOtherRankOnlyBroadcastsAtEverySyncPoint()
    {
        var zero = new ScriptedRanks(rank: 0, rankZeroVerdict: "");
        var engine = new CountingEngine();
        var sync = new RankZeroWeightSync(engine, zero);
        await sync.OnFreshStartAsync(CancellationToken.None);
        await sync.OnPolicyUpdatedAsync(1, CancellationToken.None);
        await sync.OnResumedAsync(1, CancellationToken.None);
        Assert.Equal(3, engine.Syncs);
        Assert.Equal(3, zero.Broadcasts);

        var one = new ScriptedRanks(rank: 1, rankZeroVerdict: "");
        var other = new CountingEngine();
        var follower = new RankZeroWeightSync(other, one);
        await follower.OnFreshStartAsync(CancellationToken.None);
        await follower.OnPolicyUpdatedAsync(1, CancellationToken.None);
        Assert.Equal(0, other.Syncs); // never writes the weights nor calls a server's control endpoints
        Assert.Equal(2, one.Broadcasts); // but meets rank 0 at each point, so the collectives stay in step
    }

    [Fact]
    public async Task ARankZeroFailureIsBroadcastAndThrownWithTheSameMessageOnEveryRank()
    {
        const string Refused = "rollout weight sync at step 2: vllm server http://h:8000/ POST /collective_rpc was refused with 500";
        var zero = new ScriptedRanks(rank: 0, rankZeroVerdict: "");
        var thrown = await Assert.ThrowsAsync<RolloutSyncException>(() =>
            new RankZeroWeightSync(new CountingEngine { Failure = new RolloutSyncException(Refused) }, zero).OnPolicyUpdatedAsync(2, CancellationToken.None));
        Assert.Equal(Refused, thrown.Message);
        Assert.True(thrown.ThrownOnEveryRank);
        Assert.Equal(Refused, zero.LastSent);

        var one = new ScriptedRanks(rank: 1, rankZeroVerdict: Refused);
        var followed = await Assert.ThrowsAsync<RolloutSyncException>(() => new RankZeroWeightSync(new CountingEngine(), one).OnPolicyUpdatedAsync(2, CancellationToken.None));
        Assert.Equal(Refused, followed.Message);
        Assert.True(followed.ThrownOnEveryRank);
    }

    [Fact]
    public async Task AnyOtherFailureOnRankZeroIsNamedWithTheStepAndRank()
    {
        var zero = new ScriptedRanks(rank: 0, rankZeroVerdict: "");
        var thrown = await Assert.ThrowsAsync<RolloutSyncException>(() =>
            new RankZeroWeightSync(new CountingEngine { Failure = new IOException("No space left on device") }, zero).OnPolicyUpdatedAsync(4, CancellationToken.None));
        Assert.StartsWith("rollout weight sync at step 4 failed on rank 0: No space left on device", thrown.Message);
        Assert.IsType<IOException>(thrown.InnerException);
        Assert.Equal(thrown.Message, zero.LastSent);
    }

    // Rank 0 of a sync point calls the engine; counts the calls and fails with Failure when set.
    private sealed class CountingEngine : IRolloutEngine
    {
        public int Syncs { get; private set; }

        public Exception? Failure { get; init; }

        public Task<IReadOnlyList<Rollout>> GenerateAsync(IReadOnlyList<IReadOnlyList<int>> prompts, RolloutSettings settings, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Rollout>>([]);

        public Task OnFreshStartAsync(CancellationToken cancellationToken) => Sync();

        public Task OnPolicyUpdatedAsync(int step, CancellationToken cancellationToken) => Sync();

        public Task OnResumedAsync(int step, CancellationToken cancellationToken) => Sync();

        private Task Sync()
        {
            Syncs++;
            return Failure is null ? Task.CompletedTask : Task.FromException(Failure);
        }
    }

    // One rank of two: a broadcast from rank 0 returns what rank 0 sends (on rank 0) or the scripted verdict (elsewhere).
    private sealed class ScriptedRanks(int rank, string rankZeroVerdict) : ICollectiveBackend
    {
        public int Broadcasts { get; private set; }

        public string? LastSent { get; private set; }

        public int Rank => rank;

        public int Size => 2;

        public string Name => "scripted";

        public byte[] Broadcast(byte[] data, int root = 0)
        {
            Broadcasts++;
            LastSent = Encoding.UTF8.GetString(data);
            return rank == root ? data : Encoding.UTF8.GetBytes(rankZeroVerdict);
        }

        public void AllReduceSum(Span<float> values) => throw new NotSupportedException();

        public void AllReduceSum(Span<double> values) => throw new NotSupportedException();

        public void AllReduceSum(Tensor tensor) => throw new NotSupportedException();

        public void Barrier() => throw new NotSupportedException();

        public void Abort(int exitCode) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}
