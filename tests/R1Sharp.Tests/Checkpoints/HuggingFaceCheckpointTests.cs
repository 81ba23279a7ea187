using System.Text.Json;
using R1Sharp.Checkpoints;
using R1Sharp.Generation;
using R1Sharp.Models;
using R1Sharp.Tests.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Checkpoints;

public class HuggingFaceCheckpointTests
{
    private static void AssertSameWeights(CausalLanguageModel expected, CausalLanguageModel actual)
    {
        var a = expected.state_dict();
        var b = actual.state_dict();
        Assert.Equal(a.Keys.OrderBy(k => k), b.Keys.OrderBy(k => k));
        foreach (var (name, tensor) in a)
            Assert.True(TestModels.BitEqual(tensor, b[name]), $"{name} differs after the round trip");
    }

    [Theory]
    [InlineData(TestModels.Qwen, ScalarType.Float32)]
    [InlineData(TestModels.DistillLlama, ScalarType.BFloat16)]
    public void SingleFileRoundTripIsBitExact(string name, ScalarType dtype)
    {
        using var dir = new TempDirectory();
        using var model = TestModels.Small(name, dtype: dtype);
        HuggingFaceCheckpoint.Save(model, model.Config, dir.Path);
        Assert.True(File.Exists(dir.Combine("model.safetensors")));
        Assert.False(File.Exists(dir.Combine("model.safetensors.index.json")));
        var (loaded, config) = HuggingFaceCheckpoint.Load(dir.Path, torch.CPU);
        using (loaded)
        {
            Assert.Equal(dtype, loaded.Dtype);
            Assert.Equal(DeviceSelection.HuggingFaceDtypeName(dtype), config.TorchDtype);
            AssertSameWeights(model, loaded);
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var ids = TestModels.Ids(1, 2, 3, 4, 5);
            Assert.True(TestModels.BitEqual(model.Forward(ids), loaded.Forward(ids)));
        }
        // No temp directories left beside the checkpoint.
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(dir.Path)!, Path.GetFileName(dir.Path) + ".*-*"));
    }

    [Fact]
    public void ShardedRoundTripIsBitExactAndIndexIsConsistent()
    {
        using var dir = new TempDirectory();
        using var model = TestModels.Small(TestModels.DistillQwen);
        HuggingFaceCheckpoint.Save(model, model.Config, dir.Path, options: new CheckpointSaveOptions { MaxShardBytes = 40_000 });
        var shards = Directory.GetFiles(dir.Path, "model-*-of-*.safetensors");
        Assert.True(shards.Length > 2, $"expected several shards, got {shards.Length}");
        Assert.False(File.Exists(dir.Combine("model.safetensors")));
        using var index = JsonDocument.Parse(File.ReadAllText(dir.Combine("model.safetensors.index.json")));
        var map = index.RootElement.GetProperty("weight_map").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Assert.Equal(model.state_dict().Keys.OrderBy(k => k), map.Keys.OrderBy(k => k));
        long total = model.state_dict().Values.Sum(t => t.numel() * 4);
        Assert.Equal(total, index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
        var (loaded, _) = HuggingFaceCheckpoint.Load(dir.Path, torch.CPU);
        using (loaded) AssertSameWeights(model, loaded);
    }

    [Fact]
    public void SaveCanConvertDtype()
    {
        using var dir = new TempDirectory();
        using var model = TestModels.Small(TestModels.Qwen);
        HuggingFaceCheckpoint.Save(model, model.Config, dir.Path, options: new CheckpointSaveOptions { Dtype = ScalarType.BFloat16 });
        using (var file = SafetensorsFile.Open(dir.Combine("model.safetensors")))
            Assert.All(file.Entries.Values, e => Assert.Equal("BF16", e.Dtype));
        var (loaded, config) = HuggingFaceCheckpoint.Load(dir.Path, torch.CPU, ScalarType.Float32);
        using (loaded)
        {
            Assert.Equal("bfloat16", config.TorchDtype);
            Assert.Equal(ScalarType.Float32, loaded.Dtype);
            var w = model.state_dict()["model.layers.0.mlp.up_proj.weight"];
            Assert.True(TestModels.MaxAbsDiff(w, loaded.state_dict()["model.layers.0.mlp.up_proj.weight"]) < 0.01f * w.abs().max().item<float>());
        }
    }

    [Fact]
    public void StrictLoadNamesMissingAndUnexpectedKeys()
    {
        using var dir = new TempDirectory();
        using var model = TestModels.Small(TestModels.Qwen);
        HuggingFaceCheckpoint.Save(model, model.Config, dir.Path);
        // Rewrite the weights without one parameter and with a stray tensor.
        var tensors = model.state_dict().Where(p => p.Key != "model.layers.1.mlp.down_proj.weight").Select(p => (p.Key, p.Value)).ToList();
        using var stray = torch.ones([2]);
        tensors.Add(("model.layers.9.extra.weight", stray));
        SafetensorsWriter.Write(dir.Combine("model.safetensors"), tensors);
        var e = Assert.Throws<InvalidDataException>(() => HuggingFaceCheckpoint.Load(dir.Path, torch.CPU));
        Assert.Contains("model.layers.1.mlp.down_proj.weight", e.Message);
        Assert.Contains("model.layers.9.extra.weight", e.Message);
        Assert.Contains("missing", e.Message);
        Assert.Contains("unexpected", e.Message);

        var (lenient, _) = HuggingFaceCheckpoint.Load(dir.Path, torch.CPU, strict: false);
        using (lenient)
            Assert.True(TestModels.BitEqual(model.state_dict()["model.norm.weight"], lenient.state_dict()["model.norm.weight"]));
    }

    [Fact]
    public void ShapeMismatchWithTheModelNamesTensorAndFile()
    {
        using var dir = new TempDirectory();
        using var model = TestModels.Small(TestModels.Qwen);
        HuggingFaceCheckpoint.Save(model, model.Config, dir.Path);
        // A config that says the MLP is wider than the stored weights.
        (model.Config with { IntermediateSize = 160 }).Save(dir.Combine("config.json"));
        var e = Assert.Throws<InvalidDataException>(() => HuggingFaceCheckpoint.Load(dir.Path, torch.CPU));
        Assert.Contains("mlp.", e.Message);
        Assert.Contains("model.safetensors", e.Message);
    }

    [Fact]
    public void SavingOverAnExistingCheckpointKeepsOtherFilesAndReplacesWeights()
    {
        using var dir = new TempDirectory();
        using var first = TestModels.Small(TestModels.Qwen, seed: 1);
        using var second = TestModels.Small(TestModels.Qwen, seed: 2);
        HuggingFaceCheckpoint.Save(first, first.Config, dir.Path, new GenerationConfig { EosTokenIds = [7] }, new CheckpointSaveOptions { MaxShardBytes = 40_000 });
        File.WriteAllText(dir.Combine("tokenizer.json"), "{}");
        HuggingFaceCheckpoint.Save(second, second.Config, dir.Path);
        Assert.Equal("{}", File.ReadAllText(dir.Combine("tokenizer.json")));
        Assert.Equal([7], GenerationConfig.Load(dir.Combine("generation_config.json")).EosTokenIds);
        Assert.Empty(Directory.GetFiles(dir.Path, "model-*")); // old shards gone, single file now
        var (loaded, _) = HuggingFaceCheckpoint.Load(dir.Path, torch.CPU);
        using (loaded) AssertSameWeights(second, loaded);
    }

    [Fact]
    public void CancelledSaveLeavesTheOldCheckpointIntact()
    {
        using var dir = new TempDirectory();
        using var first = TestModels.Small(TestModels.Qwen, seed: 1);
        using var second = TestModels.Small(TestModels.Qwen, seed: 2);
        HuggingFaceCheckpoint.Save(first, first.Config, dir.Path);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => HuggingFaceCheckpoint.Save(second, second.Config, dir.Path, cancellationToken: cts.Token));
        var (loaded, _) = HuggingFaceCheckpoint.Load(dir.Path, torch.CPU);
        using (loaded) AssertSameWeights(first, loaded);
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(dir.Path)!, Path.GetFileName(dir.Path) + ".*-*"));
    }

    [Fact]
    public void MissingFilesAreClearErrors()
    {
        using var dir = new TempDirectory();
        Assert.Throws<FileNotFoundException>(() => HuggingFaceCheckpoint.Load(dir.Path, torch.CPU));
        File.Copy(TestModels.ConfigPath(TestModels.Qwen), dir.Combine("config.json"));
        var e = Assert.Throws<FileNotFoundException>(() => HuggingFaceCheckpoint.Load(dir.Path, torch.CPU));
        Assert.Contains("model.safetensors", e.Message);
    }
}
