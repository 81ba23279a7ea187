using System.Text.Json.Nodes;
using R1Sharp.Checkpoints;
using R1Sharp.Models;
using TorchSharp;

namespace R1Sharp.Tests.Models;

/// <summary>Issue 16, bad input: checkpoints of the newer architectures whose tensors do not match their config, and refused config keys.</summary>
public sealed class ArchitectureCheckpointErrorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-arch-errors").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(TestModels.DeepseekV3, "kv_lora_rank", 12, "model.layers.0.self_attn.kv_a_proj_with_mqa.weight")]
    [InlineData(TestModels.Qwen3Moe, "moe_intermediate_size", 24, "model.layers.0.mlp.experts.0.")]
    [InlineData(TestModels.Qwen3, "head_dim", 16, "model.layers.0.self_attn.q_proj.weight")]
    public void AMisshapenTensorIsNamed(string name, string key, int value, string tensor)
    {
        string dir = SaveWithConfigEdit(name, config => config[key] = value);
        var error = Assert.Throws<InvalidDataException>(() => HuggingFaceCheckpoint.Load(dir, torch.CPU));
        Assert.Contains($"tensor '{tensor}", error.Message);
        Assert.Contains("' has shape", error.Message);
    }

    [Fact]
    public void MissingTensorsAreNamed()
    {
        // Layer 0 was saved dense; a config that makes it sparse asks for its router and experts.
        string dir = SaveWithConfigEdit(TestModels.DeepseekV3, config => config["first_k_dense_replace"] = 0);
        var error = Assert.Throws<InvalidDataException>(() => HuggingFaceCheckpoint.Load(dir, torch.CPU));
        Assert.Contains("missing", error.Message);
        Assert.Contains("model.layers.0.mlp.gate.weight", error.Message);
        Assert.Contains("model.layers.0.mlp.gate.e_score_correction_bias", error.Message);
    }

    [Theory]
    [InlineData(TestModels.Qwen3)]
    [InlineData(TestModels.Qwen3Moe)]
    public void QuantisedQwen3ConfigsAndOtherRopeTypesAreRefusedByName(string name)
    {
        var json = JsonNode.Parse(File.ReadAllText(TestModels.ConfigPath(name)))!.AsObject();
        json["quantization_config"] = new JsonObject { ["quant_method"] = "fp8" };
        Assert.Contains("quantization_config", Assert.Throws<InvalidDataException>(() => ModelConfig.Parse(json.ToJsonString(), "q.json")).Message);
        json.Remove("quantization_config");
        json["rope_scaling"] = new JsonObject { ["rope_type"] = "longrope", ["factor"] = 4.0 };
        Assert.Contains("rope_scaling.rope_type", Assert.Throws<InvalidDataException>(() => ModelConfig.Parse(json.ToJsonString(), "q.json")).Message);
    }

    private string SaveWithConfigEdit(string name, Action<JsonObject> edit)
    {
        string dir = Path.Combine(_dir, name);
        var config = TestModels.SmallConfig(name);
        using (var model = CausalLanguageModel.Create(config, torch.CPU, torch.ScalarType.Float32, 1))
            HuggingFaceCheckpoint.Save(model, config, dir);
        string path = Path.Combine(dir, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
        return dir;
    }
}
