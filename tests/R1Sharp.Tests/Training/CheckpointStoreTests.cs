using R1Sharp.IO;
using R1Sharp.Training.Checkpointing;

namespace R1Sharp.Tests.Training;

public sealed class CheckpointStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-ckpt").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Func<string, Task> Weights(string text) => dir => File.WriteAllTextAsync(Path.Combine(dir, "w.txt"), text);

    [Fact]
    public async Task LatestIsTheNewestCompleteCheckpointAndOldOnesArePruned()
    {
        var store = new CheckpointStore<TrainerState>(_dir);
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
        var store = new CheckpointStore<TrainerState>(_dir);
        await store.SaveAsync(new TrainerState(1, 10, 7, 1), Weights("good"), keepLast: 0);
        await Assert.ThrowsAsync<IOException>(() => store.SaveAsync(new TrainerState(2, 20, 7, 2),
            async dir => { await File.WriteAllTextAsync(Path.Combine(dir, "w.txt"), "half"); throw new IOException("killed"); }, keepLast: 0));
        // An interrupted save leaves nothing behind: only the first checkpoint and the pointer.
        Assert.Equal(["checkpoint-1", "latest"], Directory.GetFileSystemEntries(store.Root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var latest = store.Latest()!.Value;
        Assert.Equal(1, latest.State.Step);
        Assert.Equal("good", File.ReadAllText(Path.Combine(latest.Directory, "w.txt")));
    }

    [Fact]
    public async Task WhatAKilledSaveLeavesIsRemovedOnOpenAndNothingElse()
    {
        var store = new CheckpointStore<TrainerState>(_dir);
        await store.SaveAsync(new TrainerState(1, 10, 7, 1), Weights("good"), keepLast: 0);
        // kill -9 mid-save: an in-progress directory of the one naming scheme, half written, in both places a save writes.
        string inProgress = AtomicDirectory.TemporaryPathFor(Path.Combine(store.Root, "checkpoint-2"));
        Directory.CreateDirectory(inProgress);
        File.WriteAllText(Path.Combine(inProgress, "w.txt"), "partial");
        Directory.CreateDirectory(AtomicDirectory.TemporaryPathFor(Path.Combine(_dir, CheckpointStore.FinalDirectoryName)));
        // ...and the shapes earlier versions left (issue 21: GRPO's, SFT's and the final model's).
        foreach (var legacy in new[] { "checkpoint-3.tmp", "checkpoint-6.tmp.saving-1a2b3c4d" })
            Directory.CreateDirectory(Path.Combine(store.Root, legacy));
        foreach (var legacy in new[] { ".checkpoint-4." + Guid.NewGuid().ToString("N") + ".tmp", "final.saving-1a2b3c4d" })
            Directory.CreateDirectory(Path.Combine(_dir, legacy));
        File.WriteAllText(Path.Combine(_dir, "notes.tmp-keep"), "a user's file");

        var reopened = new CheckpointStore<TrainerState>(_dir);

        Assert.Equal(["checkpoint-1", "latest"], Directory.GetFileSystemEntries(reopened.Root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal([CheckpointStore.DirectoryName, "notes.tmp-keep"], Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("good", File.ReadAllText(Path.Combine(reopened.Latest()!.Value.Directory, "w.txt")));
    }

    [Fact]
    public async Task ACheckpointDirectoryWrittenByAHuggingFaceSaveLeavesNoSwapDirectories()
    {
        // The weights writer gets the store's empty in-progress directory and must write into it, not beside it
        // (GRPO used to leave checkpoint-N.tmp.saving-* next to each checkpoint when killed).
        var store = new CheckpointStore<TrainerState>(_dir);
        using var model = R1Sharp.Models.CausalLanguageModel.Create(TinyConfig(), TorchSharp.torch.CPU, TorchSharp.torch.ScalarType.Float32, seed: 1);
        var weights = new HuggingFacePolicyCheckpoint(model);
        var siblings = new List<string>();
        await store.SaveAsync(new TrainerState(1, 0, 7, 0), async dir =>
        {
            await weights.SaveAsync(dir, CancellationToken.None);
            siblings.AddRange(Directory.GetFileSystemEntries(store.Root).Select(Path.GetFileName)!);
        }, keepLast: 0);
        Assert.Single(siblings); // only the in-progress directory itself
        Assert.True(File.Exists(Path.Combine(store.Root, "checkpoint-1", "model.safetensors")));
    }

    private static R1Sharp.Models.ModelConfig TinyConfig() => R1Sharp.Training.Zero.BuiltInModel.Config(
        new R1Sharp.Training.Zero.ZeroModelShape(Hidden: 16, Layers: 1, Heads: 2, KvHeads: 1, Intermediate: 32), new R1Sharp.Tasks.TaskTokenizer());

    [Fact]
    public async Task CheckpointRenamedButPointerNotYetWrittenIsStillFound()
    {
        var store = new CheckpointStore<TrainerState>(_dir);
        await store.SaveAsync(new TrainerState(1, 10, 7, 1), Weights("a"), keepLast: 0);
        await store.SaveAsync(new TrainerState(2, 20, 7, 2), Weights("b"), keepLast: 0);
        File.WriteAllText(Path.Combine(store.Root, "latest"), "checkpoint-1"); // the crash came before the pointer update
        Assert.Equal(2, store.Latest()!.Value.State.Step);
    }
}
