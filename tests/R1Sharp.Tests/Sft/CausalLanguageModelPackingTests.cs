using R1Sharp.Checkpoints;
using R1Sharp.Tests.Models;
using R1Sharp.Training.LanguageModeling;
using R1Sharp.Training.Sft;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Sft;

/// <summary>Packing with the library's real Qwen2/Llama model (small random weights of the real configs).</summary>
public class CausalLanguageModelPackingTests
{
    private static List<TokenizedSequence> RandomSamples(int count, int vocab, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            int length = random.Next(6, 20);
            int[] ids = [.. Enumerable.Range(0, length).Select(_ => random.Next(3, vocab))];
            bool[] trainable = [.. Enumerable.Range(0, length).Select(t => t >= length / 2)];
            return new TokenizedSequence(ids, trainable, $"mem:{i}");
        })];
    }

    [Theory]
    [InlineData(TestModels.Qwen)]
    [InlineData(TestModels.Llama)]
    public void PackedForwardEqualsEachSampleAloneAndThePlainForward(string name)
    {
        using var model = TestModels.Small(name);
        var adapter = new CausalLanguageModelTrainer(model, null);
        var samples = RandomSamples(3, model.Config.VocabSize, seed: 4);
        var collator = new TokenBatchCollator(samples, padId: 0);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        var packed = adapter.Forward(collator.Collate([new PackedRow([0, 1, 2], samples.Sum(s => s.Length))], CPU));
        int offset = 0;
        foreach (var (sample, index) in samples.Select((s, i) => (s, i)))
        {
            var alone = adapter.Forward(collator.Collate([new PackedRow([index], sample.Length)], CPU));
            var plain = model.Forward(tensor(sample.Ids.Select(i => (long)i).ToArray(), [1, sample.Length], ScalarType.Int64));
            Assert.True(TestModels.MaxAbsDiff(alone, plain) < 1e-4, "adapter forward differs from the model's own forward");
            float difference = TestModels.MaxAbsDiff(packed[0].narrow(0, offset, sample.Length), alone[0]);
            Assert.True(difference < 1e-4, $"sample {index} differs by {difference} when packed");
            offset += sample.Length;
        }
    }

    [Fact]
    public async Task SftOnTheRealModelLowersTheLossAndWritesALoadableCheckpoint()
    {
        using var model = TestModels.Small(TestModels.Qwen);
        model.train();
        var samples = RandomSamples(16, model.Config.VocabSize, seed: 8);
        // A learnable pattern: every sample repeats its first half.
        samples = [.. samples.Select(s => s with { Ids = [.. s.Ids.Take(s.Length / 2), .. s.Ids.Take(s.Length - s.Length / 2)] })];
        var data = new SftDataset(samples, samples.Take(4).ToList(), 0, 0);
        var options = new SftOptions
        {
            OutputDirectory = SftTestData.TempDirectory(),
            Epochs = 4,
            LearningRate = 1e-2,
            BatchSize = 2,
            MaxLength = 64,
            WarmupRatio = 0,
            EvalSteps = 0,
            LoggingSteps = 1,
            SaveSteps = 0,
        };
        var trainer = new SftTrainer(new CausalLanguageModelTrainer(model, null), data, options, padId: 0, CPU);
        double before = trainer.Evaluate(data.Validation);

        var result = await trainer.TrainAsync();

        Assert.True(result.ValidationLoss < before, $"validation loss {before} -> {result.ValidationLoss}");
        var (loaded, _) = HuggingFaceCheckpoint.Load(result.ModelDirectory, CPU);
        using (loaded)
        {
            using var noGrad = no_grad();
            var ids = tensor(samples[0].Ids.Select(i => (long)i).ToArray(), [1, samples[0].Length], ScalarType.Int64);
            model.eval();
            Assert.True(TestModels.MaxAbsDiff(model.Forward(ids), loaded.Forward(ids)) < 1e-5);
        }
    }
}
