using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Optimization;

namespace R1Sharp.Tests.Training;

public sealed class CheckpointStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-ckpt").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Func<string, Task> Weights(string text) => dir => File.WriteAllTextAsync(Path.Combine(dir, "w.txt"), text);

    [Fact]
    public async Task LatestIsTheNewestCompleteCheckpointAndOldOnesArePruned()
    {
        var store = new CheckpointStore(_dir);
        Assert.Null(store.Latest());
        for (int s = 1; s <= 3; s++) await store.SaveAsync(new TrainerState(s, s * 10, 7, s), Weights($"w{s}"), keepLast: 2);
        var latest = store.Latest()!.Value;
        Assert.Equal(3, latest.State.Step);
        Assert.Equal(30, latest.State.DataPosition);
        Assert.Equal("w3", File.ReadAllText(Path.Combine(latest.Directory, "w.txt")));
        Assert.False(Directory.Exists(Path.Combine(store.Root, "checkpoint-1")));
        Assert.True(Directory.Exists(Path.Combine(store.Root, "checkpoint-2")));
    }

    [Fact]
    public async Task CrashDuringWriteLeavesThePreviousCheckpoint()
    {
        var store = new CheckpointStore(_dir);
        await store.SaveAsync(new TrainerState(1, 10, 7, 1), Weights("good"), keepLast: 0);
        await Assert.ThrowsAsync<IOException>(() => store.SaveAsync(new TrainerState(2, 20, 7, 2),
            async dir => { await File.WriteAllTextAsync(Path.Combine(dir, "w.txt"), "half"); throw new IOException("killed"); }, keepLast: 0));
        // Simulate kill -9 mid-write: a stray .tmp directory with partial contents.
        Directory.CreateDirectory(Path.Combine(store.Root, "checkpoint-3.tmp"));
        File.WriteAllText(Path.Combine(store.Root, "checkpoint-3.tmp", "w.txt"), "partial");
        var reopened = new CheckpointStore(_dir);
        var latest = reopened.Latest()!.Value;
        Assert.Equal(1, latest.State.Step);
        Assert.Equal("good", File.ReadAllText(Path.Combine(latest.Directory, "w.txt")));
        Assert.Empty(Directory.GetDirectories(reopened.Root, "*.tmp"));
    }

    [Fact]
    public async Task CheckpointRenamedButPointerNotYetWrittenIsStillFound()
    {
        var store = new CheckpointStore(_dir);
        await store.SaveAsync(new TrainerState(1, 10, 7, 1), Weights("a"), keepLast: 0);
        await store.SaveAsync(new TrainerState(2, 20, 7, 2), Weights("b"), keepLast: 0);
        File.WriteAllText(Path.Combine(store.Root, "latest"), "checkpoint-1"); // the crash came before the pointer update
        Assert.Equal(2, store.Latest()!.Value.State.Step);
    }

    [Theory]
    [InlineData(LearningRateScheduleKind.Constant)]
    [InlineData(LearningRateScheduleKind.Cosine)]
    [InlineData(LearningRateScheduleKind.Linear)]
    public void ScheduleWarmsUpThenDecaysToTheFloor(LearningRateScheduleKind kind)
    {
        const double peak = 1e-3;
        Assert.Equal(peak / 4, LearningRateSchedule.At(1, 100, peak, 4, kind, 0.1), 12);
        Assert.Equal(peak, LearningRateSchedule.At(4, 100, peak, 4, kind, 0.1), 12);
        double last = LearningRateSchedule.At(100, 100, peak, 4, kind, 0.1);
        Assert.Equal(kind == LearningRateScheduleKind.Constant ? peak : peak * 0.1, last, 12);
        if (kind == LearningRateScheduleKind.Cosine)
            Assert.Equal(peak * 0.1 + (peak - peak * 0.1) * 0.5, LearningRateSchedule.At(52, 100, peak, 4, kind, 0.1), 12);
    }
}
