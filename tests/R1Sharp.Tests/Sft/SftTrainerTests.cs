using System.Text.Json;
using R1Sharp.IO;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.LanguageModeling;
using R1Sharp.Training.Metrics;
using R1Sharp.Training.Sft;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Sft;

public class SftTrainerTests
{
    private static (SftDataset Data, CharacterTokenizer Tokenizer) Data(SftOptions options, int count = 48)
    {
        var tokenizer = new CharacterTokenizer();
        var masker = new AssistantLossMask(tokenizer, new ChatMarkupRenderer());
        return (SftDataset.Build(SftTestData.Arithmetic(count), masker, options), tokenizer);
    }

    private static SftOptions Options(string output) => new()
    {
        OutputDirectory = output,
        Epochs = 3,
        LearningRate = 3e-3,
        WarmupRatio = 0.1,
        BatchSize = 2,
        GradientAccumulationSteps = 2,
        MaxLength = 128,
        ValidationFraction = 0.125,
        EvalSteps = 0,
        LoggingSteps = 1,
        SaveSteps = 4,
        SaveTotalLimit = 0,
    };

    [Theory]
    [InlineData(SequenceLayout.Packed)]
    [InlineData(SequenceLayout.Bucketed)]
    public async Task AFewStepsLowerTheTrainingAndValidationLoss(SequenceLayout layout)
    {
        var options = Options(SftTestData.TempDirectory()) with { Layout = layout };
        var (data, tokenizer) = Data(options);
        using var model = new TinyAttentionModel(tokenizer.VocabSize);
        var trainer = new SftTrainer(model, data, options, tokenizer.PadId, CPU);
        double before = trainer.Evaluate(data.Validation);

        var result = await trainer.TrainAsync();

        Assert.Equal(trainer.TotalSteps, result.Steps);
        Assert.True(result.LastLoss < result.FirstLoss, $"loss {result.FirstLoss} -> {result.LastLoss}");
        Assert.True(result.ValidationLoss < before, $"validation loss {before} -> {result.ValidationLoss}");
        var lines = await File.ReadAllLinesAsync(Path.Combine(options.OutputDirectory, "metrics.jsonl"));
        Assert.Equal(result.Steps, lines.Length);
        using var lastLine = JsonDocument.Parse(lines[^1]);
        Assert.True(lastLine.RootElement.TryGetProperty("eval_loss", out _));
        Assert.InRange(lastLine.RootElement.GetProperty("padding_share").GetDouble(), 0, 1);
        // TRL's names, in metrics.jsonl and in the TensorBoard file beside it.
        foreach (var name in new[] { "loss", "grad_norm", "learning_rate", "epoch", "num_tokens" })
            Assert.True(lastLine.RootElement.TryGetProperty(name, out _), name);
        var logged = MetricsLog.ReadJsonl(Path.Combine(options.OutputDirectory, MetricsLog.JsonlFileName));
        Assert.Equal(0, logged[0].Values["learning_rate"]); // warmup starts at 0, as in transformers
        Assert.True(logged.Zip(logged.Skip(1)).All(p => p.Second.Values["num_tokens"] > p.First.Values["num_tokens"]));
        var events = TensorBoardEventFile.ReadScalars(Assert.Single(Directory.GetFiles(options.OutputDirectory, "events.out.tfevents.*")));
        Assert.Equal(result.Steps, events.Count(e => e.Tag == "loss"));
        Assert.True(File.Exists(Path.Combine(result.ModelDirectory, "tiny.bin")));
    }

    [Fact]
    public async Task MicroBatchWorkersTrainAsOneUpToRoundingAndRepeatTheirRunBitForBit()
    {
        var results = new List<(SftRunResult Result, float[][] Weights)>();
        foreach (int workers in new[] { 1, 2, 2 })
        {
            var options = Options(SftTestData.TempDirectory()) with { GradientAccumulationSteps = 4, MicroBatchWorkers = workers, Epochs = 1 };
            var (data, tokenizer) = Data(options, count: 32);
            using var model = new TinyAttentionModel(tokenizer.VocabSize);
            var result = await new SftTrainer(model, data, options, tokenizer.PadId, CPU).TrainAsync();
            results.Add((result, [.. model.parameters().Select(p => p.data<float>().ToArray())]));
        }
        var (one, two, again) = (results[0], results[1], results[2]);
        Assert.True(one.Result.Steps >= 2);
        Assert.Equal(one.Result.LastLoss!.Value, two.Result.LastLoss!.Value, 4);
        Assert.Equal(two.Result.LastLoss, again.Result.LastLoss);
        foreach (var ((a, b), c) in one.Weights.Zip(two.Weights).Zip(again.Weights))
        {
            Assert.True(a.Zip(b).Max(p => Math.Abs(p.First - p.Second)) <= 1e-4, "one and two workers' weights differ beyond rounding");
            Assert.Equal(b, c);
        }
    }

    [Fact]
    public async Task AResumedRunContinuesExactlyLikeAnUninterruptedOne()
    {
        var straightOptions = Options(SftTestData.TempDirectory());
        var (data, tokenizer) = Data(straightOptions, count: 24);
        using var straightModel = new TinyAttentionModel(tokenizer.VocabSize);
        var straight = await new SftTrainer(straightModel, data, straightOptions, tokenizer.PadId, CPU).TrainAsync();

        // The "killed" run: stopped by cancellation right after its first checkpoint (step 4).
        var resumedOptions = Options(SftTestData.TempDirectory());
        using var firstModel = new TinyAttentionModel(tokenizer.VocabSize);
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(p => { if (p.Step == 5) cancel.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new SftTrainer(firstModel, data, resumedOptions, tokenizer.PadId, CPU).TrainAsync(null, progress, cancel.Token));
        string checkpoint = new CheckpointStore<SftTrainerState>(resumedOptions.OutputDirectory).Latest()!.Value.Directory;
        Assert.Equal(Path.Combine(resumedOptions.OutputDirectory, "checkpoints", "checkpoint-4"), checkpoint);

        // A fresh process: a new model with different initial weights, restored from the checkpoint.
        using var secondModel = new TinyAttentionModel(tokenizer.VocabSize, seed: 99);
        var resumed = await new SftTrainer(secondModel, data, resumedOptions, tokenizer.PadId, CPU).TrainAsync(checkpoint);

        Assert.Equal(straight.Steps, resumed.Steps);
        Assert.Equal(straight.LastLoss!.Value, resumed.LastLoss!.Value, 5);
        Assert.Equal(straight.ValidationLoss!.Value, resumed.ValidationLoss!.Value, 5);
        foreach (var (a, b) in straightModel.parameters().Zip(secondModel.parameters()))
            Assert.True(a.allclose(b, rtol: 1e-4, atol: 1e-6));
        var straightLines = File.ReadAllLines(Path.Combine(straightOptions.OutputDirectory, "metrics.jsonl"));
        var resumedLines = File.ReadAllLines(Path.Combine(resumedOptions.OutputDirectory, "metrics.jsonl"));
        Assert.Equal(straightLines.Length, resumedLines.Length); // no step logged twice
        // num_tokens counts across the resume; the schedule's rates are those of the straight run.
        var straightMetrics = MetricsLog.ReadJsonl(Path.Combine(straightOptions.OutputDirectory, MetricsLog.JsonlFileName));
        var resumedMetrics = MetricsLog.ReadJsonl(Path.Combine(resumedOptions.OutputDirectory, MetricsLog.JsonlFileName));
        Assert.Equal(straightMetrics.Select(m => m.Values["num_tokens"]), resumedMetrics.Select(m => m.Values["num_tokens"]));
        Assert.Equal(straightMetrics.Select(m => m.Values["learning_rate"]), resumedMetrics.Select(m => m.Values["learning_rate"]));
    }

    [Fact]
    public async Task AFreshStartIntoAFolderWithCheckpointsIsRefusedAndResumeChecksTheSettings()
    {
        var options = Options(SftTestData.TempDirectory()) with { Epochs = 1 };
        var (data, tokenizer) = Data(options, count: 24);
        using var model = new TinyAttentionModel(tokenizer.VocabSize);
        var first = await new SftTrainer(model, data, options, tokenizer.PadId, CPU).TrainAsync();
        Assert.Equal(first.Steps, first.StepsRun);

        var fresh = await Assert.ThrowsAsync<ConfigurationException>(() => new SftTrainer(model, data, options, tokenizer.PadId, CPU).TrainAsync());
        Assert.Contains(options.OutputDirectory, fresh.Message);
        Assert.Contains("--resume", fresh.Message);
        Assert.Contains("--overwrite", fresh.Message);

        // Settings that change the trajectory are refused by name; the checkpoint is left as it was.
        var batch = await Assert.ThrowsAsync<ConfigurationException>(() =>
            new SftTrainer(model, data, options with { BatchSize = 3 }, tokenizer.PadId, CPU).TrainAsync(SftTrainer.LatestCheckpoint));
        Assert.Contains("--resume: per_device_train_batch_size was 2 in the checkpoint, now 3", batch.Message);
        var seed = await Assert.ThrowsAsync<ConfigurationException>(() =>
            new SftTrainer(model, data, options with { Seed = 7 }, tokenizer.PadId, CPU).TrainAsync(SftTrainer.LatestCheckpoint));
        Assert.Contains("seed was 42 in the checkpoint, now 7", seed.Message);
        var (otherData, _) = Data(options, count: 30);
        var dataChanged = await Assert.ThrowsAsync<ConfigurationException>(() =>
            new SftTrainer(model, otherData, options, tokenizer.PadId, CPU).TrainAsync(SftTrainer.LatestCheckpoint));
        Assert.Contains("train_samples was", dataChanged.Message);

        // Resuming the finished run does nothing and says so (no loss to print).
        var again = await new SftTrainer(model, data, options, tokenizer.PadId, CPU).TrainAsync(SftTrainer.LatestCheckpoint);
        Assert.Equal(0, again.StepsRun);
        Assert.Equal(first.Steps, again.Steps);
        Assert.Null(again.FirstLoss);

        // A longer run (another epoch) may resume, as in transformers.
        var longer = await new SftTrainer(model, data, options with { Epochs = 2 }, tokenizer.PadId, CPU).TrainAsync(SftTrainer.LatestCheckpoint);
        Assert.Equal(2 * first.Steps, longer.Steps);
        Assert.Equal(first.Steps, longer.StepsRun);
    }

    [Fact]
    public async Task TheFinalModelIsWrittenWholeOrNotAtAll()
    {
        var options = Options(SftTestData.TempDirectory()) with { Epochs = 1, SaveSteps = 0 };
        var (data, tokenizer) = Data(options, count: 16);
        using var inner = new TinyAttentionModel(tokenizer.VocabSize);
        // The last checkpoint is the first save, final/ the second: that one is killed half-way.
        var model = new FailingSaveModel(inner, failOnSave: 2);
        await Assert.ThrowsAsync<IOException>(() => new SftTrainer(model, data, options, tokenizer.PadId, CPU).TrainAsync());
        // The logs (metrics.jsonl and TensorBoard's events file) and the checkpoint: no final/, complete or not.
        var entries = Directory.GetFileSystemEntries(options.OutputDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, entries.Count);
        Assert.Equal(CheckpointStore.DirectoryName, entries[0]);
        Assert.StartsWith("events.out.tfevents.", entries[1]);
        Assert.Equal("metrics.jsonl", entries[2]);

        // Resumed, the complete run writes final/ (and only that).
        var resumed = await new SftTrainer(inner, data, options, tokenizer.PadId, CPU).TrainAsync(SftTrainer.LatestCheckpoint);
        Assert.Equal(0, resumed.StepsRun);
        Assert.True(File.Exists(Path.Combine(resumed.ModelDirectory, "tiny.bin")));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(options.OutputDirectory), e => AtomicDirectory.IsTemporaryName(Path.GetFileName(e)));
    }

    private sealed class FailingSaveModel(TinyAttentionModel inner, int failOnSave) : ISftModel
    {
        private int _saves;
        public bool SupportsPacking => true;
        public nn.Module Module => inner;
        public Tensor Forward(TokenBatch batch) => inner.Forward(batch);
        public async Task SaveAsync(string directory, CancellationToken cancellationToken)
        {
            await inner.SaveAsync(directory, cancellationToken);
            if (++_saves == failOnSave) throw new IOException("killed during the save");
        }
        public void Load(string directory) => inner.Load(directory);
    }

    [Fact]
    public void PackingIsRefusedForModelsWithoutPositionIdsAndMasks()
    {
        var options = Options(SftTestData.TempDirectory());
        var (data, tokenizer) = Data(options, count: 8);
        using var model = new TinyAttentionModel(tokenizer.VocabSize);
        var error = Assert.Throws<ArgumentException>(() => new SftTrainer(new NoPackingModel(model), data, options, tokenizer.PadId, CPU));
        Assert.Contains("bucketed", error.Message);
    }

    private sealed class NoPackingModel(TinyAttentionModel inner) : ISftModel
    {
        public bool SupportsPacking => false;
        public nn.Module Module => inner;
        public Tensor Forward(TokenBatch batch) => inner.Forward(batch);
        public Task SaveAsync(string directory, CancellationToken cancellationToken) => inner.SaveAsync(directory, cancellationToken);
        public void Load(string directory) => inner.Load(directory);
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; the test needs the callback before the next step.</summary>
    private sealed class SynchronousProgress(Action<SftProgress> action) : IProgress<SftProgress>
    {
        public void Report(SftProgress value) => action(value);
    }
}
