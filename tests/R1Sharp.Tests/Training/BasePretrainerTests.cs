using R1Sharp.Models;
using R1Sharp.Tasks;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.LanguageModeling;
using R1Sharp.Training.Zero;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Training;

public sealed class BasePretrainerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-pretrain").FullName;
    private readonly TaskTokenizer _tokenizer = new();
    private readonly TaskSuite _suite = TaskSuite.CreateDefault(seed: 1, heldOutPerFamily: 2);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private CausalLanguageModel NewModel(int seed) =>
        CausalLanguageModel.Create(BuiltInModel.Config(new ZeroModelShape(Hidden: 32, Layers: 1, Heads: 2, KvHeads: 1, Intermediate: 64), _tokenizer), CPU, ScalarType.Float32, seed);

    [Fact]
    public async Task AKilledRunResumesFromItsCheckpointAndEndsWithTheUninterruptedWeights()
    {
        // Two workers: their gradient sum must not depend on which finishes first, or the resumed run would drift.
        var options = new PretrainOptions(Steps: 6, BatchSize: 16, SaveSteps: 2, Workers: 2);
        var pretrainer = new BasePretrainer(_suite, _tokenizer, new CorpusNoise());
        Assert.True(pretrainer.Batches(1, 16, CPU, shards: 2).Count == 2, "a step must be split for the test to cover the workers");
        using var straight = NewModel(3);
        await pretrainer.TrainAsync(straight, options, null, null, CancellationToken.None);

        using var interrupted = NewModel(3);
        using var kill = new CancellationTokenSource();
        var stop = new SynchronousProgress<(int Step, double Loss)>(p => { if (p.Step == 5) kill.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            pretrainer.TrainAsync(interrupted, options, stop, new PretrainCheckpoints(new CheckpointStore<TrainerState>(_dir), BuiltInModel.Checkpoint(interrupted, _tokenizer), 1), kill.Token));
        Assert.Equal(4, new CheckpointStore<TrainerState>(_dir).Latest()!.Value.State.Step);

        // A new process: fresh weights, which the checkpoint replaces; steps 5 and 6 are trained again.
        using var resumed = NewModel(99);
        var steps = new List<int>();
        await pretrainer.TrainAsync(resumed, options, new SynchronousProgress<(int Step, double Loss)>(p => steps.Add(p.Step)),
            new PretrainCheckpoints(new CheckpointStore<TrainerState>(_dir), BuiltInModel.Checkpoint(resumed, _tokenizer), 1), CancellationToken.None);
        Assert.Equal([5, 6], steps);
        foreach (var ((name, expected), (_, actual)) in straight.named_parameters().Zip(resumed.named_parameters()))
            Assert.Equal(expected.data<float>().ToArray(), actual.data<float>().ToArray());
    }

    [Fact]
    public void AStepsShardsHoldTheRowsOfItsWholeBatch()
    {
        var pretrainer = new BasePretrainer(_suite, _tokenizer, new CorpusNoise());
        var whole = pretrainer.Batch(step: 3, size: 32, CPU);
        Assert.True(whole.InputIds.shape[0] >= 2, "the batch needs two rows or more to be split");
        var shards = pretrainer.Batches(step: 3, size: 32, CPU, shards: 2);
        Assert.Equal(2, shards.Count);
        Assert.Equal(whole.InputIds.shape[0], shards.Sum(b => b.InputIds.shape[0]));
        Assert.Equal(whole.TargetTokens, shards.Sum(b => b.TargetTokens));
        // Row by row the same tokens, labels and positions; a shard pads its rows to its own longest, so the whole
        // batch's row may only be longer by padding that trains nothing.
        long row = 0;
        foreach (var shard in shards)
        {
            long width = shard.InputIds.shape[1];
            for (long r = 0; r < shard.InputIds.shape[0]; r++, row++)
            {
                Assert.Equal(whole.InputIds[row].narrow(0, 0, width).data<long>().ToArray(), shard.InputIds[r].data<long>().ToArray());
                Assert.Equal(whole.Labels[row].narrow(0, 0, width).data<long>().ToArray(), shard.Labels[r].data<long>().ToArray());
                Assert.Equal(whole.PositionIds[row].narrow(0, 0, width).data<long>().ToArray(), shard.PositionIds[r].data<long>().ToArray());
                long rest = whole.InputIds.shape[1] - width;
                Assert.All(whole.Labels[row].narrow(0, width, rest).data<long>().ToArray(), label => Assert.Equal(TokenBatchCollator.IgnoreLabel, label));
            }
        }
    }

    [Fact]
    public async Task TwoWorkersTrainAsOneUpToRounding()
    {
        var pretrainer = new BasePretrainer(_suite, _tokenizer, new CorpusNoise());
        var losses = new List<double>[] { [], [] };
        var models = new[] { NewModel(5), NewModel(5) };
        for (int run = 0; run < 2; run++)
        {
            var options = new PretrainOptions(Steps: 4, BatchSize: 32, SaveSteps: 0, Workers: run + 1);
            var list = losses[run];
            await pretrainer.TrainAsync(models[run], options, new SynchronousProgress<(int Step, double Loss)>(p => list.Add(p.Loss)), null, CancellationToken.None);
        }
        Assert.Equal(4, losses[1].Count);
        for (int i = 0; i < 4; i++) Assert.Equal(losses[0][i], losses[1][i], 4);
        foreach (var ((name, one), (_, two)) in models[0].named_parameters().Zip(models[1].named_parameters()))
            Assert.True(one.allclose(two, rtol: 0, atol: 1e-4), name);
        foreach (var model in models) model.Dispose();
    }

    [Fact]
    public void PackedBatchesKeepDocumentsApartAndTrainOnlyCompletions()
    {
        var pretrainer = new BasePretrainer(_tokenizer, index => ("User: q" + index + ". Assistant:", " <think> </think> <answer>" + index + "</answer>"));
        var batch = pretrainer.Batch(step: 1, size: 8, CPU);
        // Eight short documents fit in one row: positions restart per document, and no query sees another document.
        Assert.Equal(1, batch.InputIds.shape[0]);
        var positions = batch.PositionIds[0].data<long>().ToArray();
        Assert.Equal(8, positions.Count(p => p == 0));
        var mask = batch.AttentionMask[0, 0];
        int second = Array.IndexOf(positions, 0, 1);
        Assert.False(mask[second, second - 1].item<bool>());
        Assert.True(mask[second + 1, second].item<bool>());
        // Labels: the completion and its end-of-text only.
        var labels = batch.Labels[0].data<long>().ToArray();
        string promptText = "User: q0. Assistant:";
        int promptTokens = _tokenizer.Encode(promptText).Count;
        Assert.All(labels.Take(promptTokens - 1), l => Assert.Equal(TokenBatchCollator.IgnoreLabel, l));
        Assert.Equal(8, labels.Count(l => l == TaskTokenizer.EndOfText));
    }
}
