using System.Text.Json.Nodes;
using R1Sharp.Checkpoints;
using R1Sharp.Models;
using R1Sharp.RewardModels;
using R1Sharp.Tests.Training;
using TorchSharp;

namespace R1Sharp.Tests.RewardModels;

public sealed class RewardModelCheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-rm-ckpt").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ModelConfig Untied() => ToyGrpo.Config() with { TieWordEmbeddings = false };

    [Fact]
    public void SavedHeadHasTheTransformersLayoutAndReloadsToEqualScores()
    {
        string dir = Path.Combine(_dir, "rm");
        int[][] sequences = [[2, 3, 4], [5, 6], [7, 8, 9, 10, 11]];
        double[] before;
        using (var model = RewardModel.Create(Untied(), torch.CPU, torch.ScalarType.Float32, 7))
        {
            before = model.Score(sequences, padId: 0, batchSize: 2);
            RewardModelCheckpoint.Save(model, dir, padTokenId: 0);
        }

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!;
        Assert.Equal("Qwen2ForSequenceClassification", config["architectures"]![0]!.GetValue<string>());
        Assert.Equal(1, config["num_labels"]!.GetValue<int>());
        Assert.Equal("LABEL_0", config["id2label"]!["0"]!.GetValue<string>());
        Assert.Equal(0, config["pad_token_id"]!.GetValue<int>());
        Assert.Equal("qwen2", config["model_type"]!.GetValue<string>());
        using (var file = SafetensorsFile.Open(Path.Combine(dir, "model.safetensors")))
        {
            Assert.Equal([1L, 32L], file.Entries[RewardModel.ScoreTensorName].Shape);
            Assert.DoesNotContain("lm_head.weight", file.Entries.Keys);
            Assert.Contains("model.embed_tokens.weight", file.Entries.Keys);
            Assert.All(file.Entries.Keys, k => Assert.True(k.StartsWith("model.", StringComparison.Ordinal) || k == RewardModel.ScoreTensorName, k));
        }
        Assert.True(RewardModelCheckpoint.IsRewardModel(dir));

        using var reloaded = RewardModelCheckpoint.Load(dir, torch.CPU);
        // The same batches give the very same scores; other batches pad to other widths, and libtorch's kernels may
        // then sum in another order (they do on AMD's Zen 5, not on the Intel machine): equal to float rounding.
        Assert.Equal(before, reloaded.Score(sequences, padId: 0, batchSize: 2));
        var rebatched = reloaded.Score(sequences, padId: 0, batchSize: 3);
        for (int i = 0; i < before.Length; i++) Assert.Equal(before[i], rebatched[i], 1e-6);
    }

    [Fact]
    public void TheScoreIsReadAtTheLastTokenWhateverThePadding()
    {
        using var model = RewardModel.Create(Untied(), torch.CPU, torch.ScalarType.Float32, 3);
        int[][] sequences = [[2, 3, 4, 5, 6, 7], [8, 9]];
        var alone = sequences.Select(s => model.Score([s], 0, 1)[0]).ToArray();
        var batched = model.Score(sequences, 0, 2);
        Assert.Equal(alone[0], batched[0], 5);
        Assert.Equal(alone[1], batched[1], 5);
        Assert.NotEqual(batched[0], batched[1]);
    }

    [Fact]
    public void ACausalCheckpointStartsARewardModelWithoutItsLmHead()
    {
        string causal = Path.Combine(_dir, "causal");
        using (var lm = CausalLanguageModel.Create(Untied(), torch.CPU, torch.ScalarType.Float32, 1))
            HuggingFaceCheckpoint.Save(lm, Untied(), causal);
        Assert.False(RewardModelCheckpoint.IsRewardModel(causal));
        using var a = RewardModelCheckpoint.Load(causal, torch.CPU, headSeed: 5);
        using var b = RewardModelCheckpoint.Load(causal, torch.CPU, headSeed: 5);
        Assert.Equal(a.ScoreWeight.data<float>().ToArray(), b.ScoreWeight.data<float>().ToArray());
        Assert.DoesNotContain(a.Body.state_dict().Keys, k => k.StartsWith("lm_head", StringComparison.Ordinal));

        // A sequence-classification config whose weights lack the head is refused, naming the tensor.
        string broken = Path.Combine(_dir, "broken");
        Directory.CreateDirectory(broken);
        File.Copy(Path.Combine(causal, "model.safetensors"), Path.Combine(broken, "model.safetensors"));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(causal, "config.json")))!.AsObject();
        config["architectures"] = new JsonArray("Qwen2ForSequenceClassification");
        File.WriteAllText(Path.Combine(broken, "config.json"), config.ToJsonString());
        var error = Assert.Throws<InvalidDataException>(() => RewardModelCheckpoint.Load(broken, torch.CPU));
        Assert.Contains("score.weight", error.Message);
    }
}
