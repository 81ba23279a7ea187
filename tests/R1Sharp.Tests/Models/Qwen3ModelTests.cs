using System.Text.Json.Nodes;
using R1Sharp.Checkpoints;
using R1Sharp.Models;
using R1Sharp.Tests.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Models;

/// <summary>Qwen3 dense: q_norm/k_norm per head before RoPE, explicit head_dim, no q/k/v biases, real tensor names.</summary>
public sealed class Qwen3ModelTests
{
    private static readonly long[] Prompt = [5, 17, 92, 94, 40, 3, 60, 93, 12];

    [Fact]
    public void TheRealConfigHasAnAttentionWiderThanTheResidualStream()
    {
        var config = ModelConfig.Load(TestModels.ConfigPath(TestModels.Qwen3));
        Assert.Equal(ModelConfig.Qwen3, config.ModelType);
        Assert.Equal(128, config.HeadDim);
        Assert.Equal(2048, config.NumAttentionHeads * config.HeadDim);
        Assert.Equal(1024, config.HiddenSize);
        Assert.False(config.HasQkvBias);
        Assert.False(config.HasOutputProjectionBias);
        Assert.True(config.HasQkNorm);
        Assert.True(config.TieWordEmbeddings);
        Assert.Equal(128, config.Scaled(layers: 2, hidden: 64, heads: 4, kvHeads: 2).HeadDim); // head_dim is architecture, kept
        Assert.Contains("\"head_dim\": 128", config.Scaled(layers: 2, hidden: 64, heads: 4).ToJson());
    }

    [Fact]
    public void ParametersCarryTheHuggingFaceNamesAndShapes()
    {
        using var model = TestModels.Small(TestModels.Qwen3);
        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal([32L], shapes["model.layers.0.self_attn.q_norm.weight"]);
        Assert.Equal([32L], shapes["model.layers.1.self_attn.k_norm.weight"]);
        Assert.Equal([128L, 64L], shapes["model.layers.0.self_attn.q_proj.weight"]);
        Assert.Equal([64L, 64L], shapes["model.layers.0.self_attn.k_proj.weight"]);
        Assert.Equal([64L, 128L], shapes["model.layers.0.self_attn.o_proj.weight"]);
        Assert.DoesNotContain("model.layers.0.self_attn.q_proj.bias", shapes.Keys);
        Assert.DoesNotContain("lm_head.weight", shapes.Keys);
    }

    [Fact]
    public void TheQueryAndKeyNormsChangeTheLogits()
    {
        using var scope = torch.NewDisposeScope();
        using var model = TestModels.Small(TestModels.Qwen3);
        using var noGrad = torch.no_grad();
        var before = model.Forward(TestModels.Ids(Prompt));
        model.named_parameters().Single(p => p.name == "model.layers.0.self_attn.k_norm.weight").parameter.mul_(3);
        var after = model.Forward(TestModels.Ids(Prompt));
        Assert.True(TestModels.MaxAbsDiff(before, after) > 1e-2, "k_norm's weight must reach the attention scores");
    }

    [Fact]
    public void CachedDecodingEqualsTheUncachedForward()
    {
        using var scope = torch.NewDisposeScope();
        using var model = TestModels.Small(TestModels.Qwen3);
        Randomize(model);
        using var noGrad = torch.no_grad();
        var full = model.Forward(TestModels.Ids(Prompt));
        using var cache = new KvCache(model.Config, 1, Prompt.Length, torch.CPU, model.Dtype);
        var prefill = model.Forward(TestModels.Ids(Prompt[..4]), cache: cache);
        Assert.True(TestModels.MaxAbsDiff(prefill[0], full[0].narrow(0, 0, 4)) < 1e-5);
        for (int t = 4; t < Prompt.Length; t++)
        {
            var step = model.Forward(TestModels.Ids(Prompt[t]), cache: cache);
            float diff = TestModels.MaxAbsDiff(step[0, 0], full[0, t]);
            Assert.True(diff < 1e-5, $"position {t}: cached and uncached logits differ by {diff}");
        }
    }

    [Fact]
    public void ACheckpointRoundTripsAndAMismatchNamesTheTensor()
    {
        using var dir = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        using var model = TestModels.Small(TestModels.Qwen3);
        Randomize(model);
        HuggingFaceCheckpoint.Save(model, model.Config, dir.Path);
        var (loaded, config) = HuggingFaceCheckpoint.Load(dir.Path, torch.CPU);
        using (loaded)
        using (torch.no_grad())
        {
            Assert.Equal(32, config.HeadDim);
            Assert.True(TestModels.BitEqual(model.Forward(TestModels.Ids(Prompt)), loaded.Forward(TestModels.Ids(Prompt))));
        }

        string configPath = Path.Combine(dir.Path, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        json["head_dim"] = 16;
        File.WriteAllText(configPath, json.ToJsonString());
        var misshapen = Assert.Throws<InvalidDataException>(() => HuggingFaceCheckpoint.Load(dir.Path, torch.CPU));
        Assert.Contains("model.layers.0.self_attn.", misshapen.Message);
        Assert.Contains("expects", misshapen.Message);

        json["head_dim"] = 32;
        json["model_type"] = "qwen2";
        File.WriteAllText(configPath, json.ToJsonString());
        var mismatch = Assert.Throws<InvalidDataException>(() => HuggingFaceCheckpoint.Load(dir.Path, torch.CPU));
        Assert.Contains("model.layers.0.self_attn.q_proj.bias", mismatch.Message); // missing: qwen2 has q/k/v biases
        Assert.Contains("model.layers.0.self_attn.q_norm.weight", mismatch.Message); // unexpected
    }

    [Fact]
    public void AQuantisationConfigIsRefusedNamingTheKey()
    {
        var json = JsonNode.Parse(File.ReadAllText(TestModels.ConfigPath(TestModels.Qwen3)))!.AsObject();
        json["quantization_config"] = new JsonObject { ["quant_method"] = "fp8" };
        var error = Assert.Throws<InvalidDataException>(() => ModelConfig.Parse(json.ToJsonString(), "q.json"));
        Assert.Contains("quantization_config", error.Message);
    }

    /// <summary>Norm weights away from 1, so a mis-wired norm cannot hide behind the identity.</summary>
    internal static void Randomize(CausalLanguageModel model)
    {
        using var noGrad = torch.no_grad();
        using var generator = new torch.Generator(11, torch.CPU);
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (!name.EndsWith("norm.weight", StringComparison.Ordinal)) continue;
            using var values = torch.empty(parameter.shape, ScalarType.Float32, torch.CPU).uniform_(0.5, 1.5, generator);
            parameter.copy_(values);
        }
    }
}
