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
        var options = new PretrainOptions(Steps: 6, BatchSize: 4, SaveSteps: 2);
        var pretrainer = new BasePretrainer(_suite, _tokenizer, new CorpusNoise());
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
            Assert.True(expected.allclose(actual, rtol: 0, atol: 1e-6), name);
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
