using System.Text.Json.Nodes;
using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Models;

/// <summary>DeepSeek-V3: config keys, MLA (latent cache equals the full forward), YaRN, group-limited sigmoid routing.</summary>
public sealed class DeepseekV3ModelTests
{
    private static readonly long[] Prompt = [5, 17, 92, 94, 40, 3, 60, 93, 12];

    [Fact]
    public void TheRealConfigIsReadKeyByKey()
    {
        var config = ModelConfig.LoadArchitecture(TestModels.ConfigPath(TestModels.DeepseekV3));
        Assert.Equal(ModelConfig.DeepseekV3, config.ModelType);
        var mla = Assert.IsType<LatentAttentionSettings>(config.LatentAttention);
        Assert.Equal((1536, 512, 128, 64, 128, 192), (mla.QLoraRank!.Value, mla.KvLoraRank, mla.QkNopeHeadDim, mla.QkRopeHeadDim, mla.VHeadDim, mla.QkHeadDim));
        var moe = Assert.IsType<DeepseekMoeSettings>(config.DeepseekMoe);
        Assert.Equal((256, 8, 2048, 1, 3, 8, 4, "noaux_tc", "sigmoid", true, 2.5),
            (moe.NRoutedExperts, moe.NumExpertsPerToken, moe.MoeIntermediateSize, moe.NSharedExperts, moe.FirstKDenseReplace, moe.NGroup, moe.TopkGroup, moe.TopkMethod, moe.ScoringFunc, moe.NormTopKProb, moe.RoutedScalingFactor));
        Assert.False(moe.IsSparse(2));
        Assert.True(moe.IsSparse(3));
        var yarn = config.RopeScaling!;
        Assert.Equal((RopeScaling.Yarn, 40.0, 4096, 1.0), (yarn.RopeType, yarn.Factor, yarn.OriginalMaxPositionEmbeddings, yarn.MscaleAllDim));
        Assert.Equal(Math.Pow(0.1 * Math.Log(40) + 1, 2), yarn.AttentionScaleCorrection, 12);
        Assert.Equal(512 + 64, config.KvCacheWidth); // against 128 heads x (192 + 128) for per-head keys and values
        Assert.Equal(1.0, yarn.RotaryMagnitude, 12);
        Assert.Equal(1, config.AdditionalFields["num_nextn_predict_layers"]!.GetValue<int>());
        var again = ModelConfig.Parse(config.ToJson(), "round trip");
        Assert.Equal((config.LatentAttention, config.DeepseekMoe, yarn.BetaFast), (again.LatentAttention, again.DeepseekMoe, again.RopeScaling!.BetaFast));
    }

    [Theory]
    [InlineData("topk_method", "group_limited_greedy")]
    [InlineData("scoring_func", "tanh")]
    [InlineData("n_group", "7")]
    [InlineData("rope_scaling", "dynamic")]
    [InlineData("quantization_config", "fp8")]
    public void UnsupportedValuesAreRefusedByName(string key, string value)
    {
        var json = JsonNode.Parse(File.ReadAllText(TestModels.ConfigPath(TestModels.DeepseekV3)))!.AsObject();
        json.Remove("quantization_config");
        json[key] = key switch
        {
            "n_group" => int.Parse(value, System.Globalization.CultureInfo.InvariantCulture),
            "rope_scaling" => new JsonObject { ["type"] = value, ["factor"] = 2.0 },
            "quantization_config" => new JsonObject { ["quant_method"] = value },
            _ => value,
        };
        var error = Assert.Throws<InvalidDataException>(() => ModelConfig.Parse(json.ToJsonString(), "v3.json"));
        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void YarnKeepsFastPairsAndDividesSlowOnesByTheFactor()
    {
        var config = TestModels.SmallConfig(TestModels.DeepseekV3) with { RopeTheta = 10000 };
        float[] plain = RotaryEmbedding.InverseFrequencies(config with { RopeScaling = null });
        float[] yarn = RotaryEmbedding.InverseFrequencies(config);
        // dim 8, original 4096: d(32) = 8 ln(4096 / 64π) / (2 ln 10^4) = 1.31 -> low 1; d(1) = 2.81 -> high 3.
        Assert.Equal(plain[0], yarn[0]);
        Assert.Equal(plain[1], yarn[1]);
        Assert.Equal(plain[2] * (0.5 / 40 + 0.5), yarn[2], 6);
        Assert.Equal(plain[3] / 40, yarn[3], 6);
    }

    [Fact]
    public void GroupLimitedRoutingPicksFromTheBestGroupsWithTheBiasForSelectionOnly()
    {
        var settings = TestModels.SmallConfig(TestModels.DeepseekV3).DeepseekMoe! with { NumExpertsPerToken = 3 };
        // Groups {0,1} {2,3} {4,5} {6,7}, 2 kept. The bias lifts experts 2 and 3 above 0 and 1; expert 7 beats expert 0
        // but its group (7 with 6) rates below groups {2,3} and {0,1}, so the third choice is expert 0.
        using var logits = torch.tensor(new float[] { 1.0f, 0.9f, 0.8f, 0.7f, -2, -2, -2, 3 }, [1, 8]);
        using var bias = torch.tensor(new float[] { 0, 0, 0.5f, 0.5f, 0, 0, 0, 0 });
        var (weights, experts) = ExpertRouter.DeepseekTopK(logits, bias, settings, ScalarType.Float32);
        Assert.Equal([2L, 3L, 0L], experts[0].data<long>().ToArray());
        double[] s = [Sigmoid(0.8), Sigmoid(0.7), Sigmoid(1.0)]; // the weights are the scores without the bias
        for (int j = 0; j < 3; j++) Assert.Equal(2.5 * s[j] / s.Sum(), weights[0, j].item<float>(), 5);
    }

    [Fact]
    public void GreedySoftmaxRoutingTakesTheBestScoresWithoutGroupsOrBias()
    {
        var settings = TestModels.SmallConfig(TestModels.DeepseekV3).DeepseekMoe! with
        {
            TopkMethod = DeepseekMoeSettings.Greedy,
            ScoringFunc = DeepseekMoeSettings.Softmax,
            NormTopKProb = false,
            RoutedScalingFactor = 1,
        };
        using var logits = torch.tensor(new float[] { 1.0f, 0.9f, 0.8f, 0.7f, -2, -2, -2, 3 }, [1, 8]);
        using var bias = torch.tensor(new float[] { 0, 0, 5, 5, 0, 0, 0, 0 });
        var (weights, experts) = ExpertRouter.DeepseekTopK(logits, bias, settings, ScalarType.Float32);
        Assert.Equal([7L, 0L], experts[0].data<long>().ToArray());
        Assert.Equal(logits.softmax(-1)[0, 7].item<float>(), weights[0, 0].item<float>(), 6);
    }

    [Fact]
    public void WithoutAQueryBottleneckQueriesComeFromOneProjectionAndGgufExportIsRefusedByName()
    {
        using var scope = torch.NewDisposeScope();
        var config = TestModels.SmallConfig(TestModels.DeepseekV3).WithDeepseekShape(new DeepseekScaling(QLoraRank: 0));
        Assert.Null(config.LatentAttention!.QLoraRank);
        Assert.Contains("\"q_lora_rank\": null", config.ToJson());
        using var model = CausalLanguageModel.Create(config, torch.CPU, ScalarType.Float32, seed: 4);
        model.eval();
        Assert.Equal([4L * 24, 64], model.state_dict()["model.layers.0.self_attn.q_proj.weight"].shape);
        using var noGrad = torch.no_grad();
        var full = model.Forward(TestModels.Ids(Prompt));
        using var cache = new KvCache(config, 1, Prompt.Length, torch.CPU, ScalarType.Float32);
        model.Forward(TestModels.Ids(Prompt[..^1]), cache: cache);
        Assert.True(TestModels.MaxAbsDiff(model.Forward(TestModels.Ids(Prompt[^1]), cache: cache)[0, 0], full[0, ^1]) < 1e-4);
        string path = Path.Combine(Directory.CreateTempSubdirectory("r1-dsv3-gguf").FullName, "m.gguf");
        var error = Assert.Throws<NotSupportedException>(() => R1Sharp.Gguf.GgufExporter.Export(model, Gguf.GgufTestFiles.Tokenizer(llama: false), path));
        Assert.Contains("q_lora_rank", error.Message);
        Assert.False(File.Exists(path));
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    [Fact]
    public void TheModelHasDeepseekParameterNamesAndADenseFirstLayer()
    {
        using var model = TestModels.Small(TestModels.DeepseekV3);
        var names = model.state_dict().Keys.ToHashSet();
        foreach (string name in new[]
        {
            "model.layers.0.self_attn.q_a_proj.weight", "model.layers.0.self_attn.q_a_layernorm.weight", "model.layers.0.self_attn.q_b_proj.weight",
            "model.layers.0.self_attn.kv_a_proj_with_mqa.weight", "model.layers.0.self_attn.kv_a_layernorm.weight", "model.layers.0.self_attn.kv_b_proj.weight",
            "model.layers.0.mlp.gate_proj.weight", "model.layers.1.mlp.gate.weight", "model.layers.1.mlp.gate.e_score_correction_bias",
            "model.layers.1.mlp.experts.7.down_proj.weight", "model.layers.1.mlp.shared_experts.up_proj.weight",
        })
            Assert.Contains(name, names);
        Assert.DoesNotContain("model.layers.1.mlp.gate.e_score_correction_bias", model.named_parameters().Select(p => p.name));
        Assert.Equal([24L, 64], model.state_dict()["model.layers.0.self_attn.q_a_proj.weight"].shape);
        Assert.Equal([16L * 4 * 2, 16], model.state_dict()["model.layers.0.self_attn.kv_b_proj.weight"].shape); // heads x (nope + v), kv_lora_rank
    }

    [Fact]
    public void CachedDecodingFromTheLatentEqualsTheUncachedForward()
    {
        using var scope = torch.NewDisposeScope();
        using var model = TestModels.Small(TestModels.DeepseekV3);
        using var noGrad = torch.no_grad();
        RandomiseSelectionBias(model);
        var full = model.Forward(TestModels.Ids(Prompt));
        using var cache = new KvCache(model.Config, 1, Prompt.Length, torch.CPU, model.Dtype);
        var prefill = model.Forward(TestModels.Ids(Prompt[..4]), cache: cache);
        Assert.True(TestModels.MaxAbsDiff(prefill[0], full[0].narrow(0, 0, 4)) < 1e-4);
        for (int t = 4; t < Prompt.Length; t++)
        {
            var step = model.Forward(TestModels.Ids(Prompt[t]), cache: cache);
            float diff = TestModels.MaxAbsDiff(step[0, 0], full[0, t]);
            Assert.True(diff < 1e-4, $"position {t}: cached and uncached logits differ by {diff}");
        }
    }

    [Fact]
    public void TheCacheHoldsTheLatentAndTheRotaryKeyOnly()
    {
        var config = TestModels.SmallConfig(TestModels.DeepseekV3);
        using var cache = new KvCache(config, 2, 10, torch.CPU, ScalarType.Float32);
        using var scope = torch.NewDisposeScope();
        var (latent, rotary) = cache.Write(0, torch.ones([2, 1, 3, 16]), torch.ones([2, 1, 3, 8]));
        Assert.Equal([2L, 1, 3, 16], latent.shape);
        Assert.Equal([2L, 1, 3, 8], rotary.shape);
    }

    [Fact]
    public void ALeftPaddedRowGetsTheLogitsItGetsAlone()
    {
        using var scope = torch.NewDisposeScope();
        using var model = TestModels.Small(TestModels.DeepseekV3);
        using var noGrad = torch.no_grad();
        var alone = model.Forward(TestModels.Ids(Prompt[..5]));
        var padded = model.Forward(TestModels.Ids([0, 0, .. Prompt[..5]]), torch.tensor(new long[] { 0, 0, 1, 1, 1, 1, 1 }, [1, 7]));
        Assert.True(TestModels.MaxAbsDiff(padded[0].narrow(0, 2, 5), alone[0]) < 1e-4);
    }

    [Fact]
    public void LoraOnTheLatentProjectionsKeepsCachedDecodingEqualToTheFullForward()
    {
        using var scope = torch.NewDisposeScope();
        using var model = TestModels.Small(TestModels.DeepseekV3);
        using var noGrad = torch.no_grad();
        var baseLogits = model.Forward(TestModels.Ids(Prompt));
        using var lora = R1Sharp.Models.Lora.LoraModel.Attach(model, new R1Sharp.Models.Lora.LoraOptions { Rank = 4, TargetModules = ["q_b_proj", "kv_a_proj_with_mqa", "kv_b_proj"] }, seed: 3);
        Assert.Equal(6, lora.AdaptedModules.Count);
        LoraModelTests.RandomizeB(lora, 5);
        var full = model.Forward(TestModels.Ids(Prompt));
        Assert.True(TestModels.MaxAbsDiff(full, baseLogits) > 1e-2, "the adapters must change the logits");
        using var cache = new KvCache(model.Config, 1, Prompt.Length, torch.CPU, model.Dtype);
        model.Forward(TestModels.Ids(Prompt[..4]), cache: cache);
        for (int t = 4; t < Prompt.Length; t++)
        {
            var step = model.Forward(TestModels.Ids(Prompt[t]), cache: cache);
            Assert.True(TestModels.MaxAbsDiff(step[0, 0], full[0, t]) < 1e-4, $"position {t}");
        }
    }

    [Fact]
    public void MultiTokenPredictionLayersOfACheckpointAreSkipped()
    {
        // A 3-layer checkpoint whose config says 2 layers: layer 2 is what DeepSeek-V3 ships as its MTP module.
        string dir = Directory.CreateTempSubdirectory("r1-dsv3-mtp").FullName;
        try
        {
            var config = TestModels.SmallConfig(TestModels.DeepseekV3);
            using (var three = CausalLanguageModel.Create(config with { NumHiddenLayers = 3 }, torch.CPU, ScalarType.Float32, seed: 2))
                R1Sharp.Checkpoints.HuggingFaceCheckpoint.Save(three, config, dir);
            var (model, loaded) = R1Sharp.Checkpoints.HuggingFaceCheckpoint.Load(dir, torch.CPU);
            using (model)
            {
                Assert.Equal(2, loaded.NumHiddenLayers);
                Assert.DoesNotContain(model.state_dict().Keys, k => k.StartsWith("model.layers.2.", StringComparison.Ordinal));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static void RandomiseSelectionBias(CausalLanguageModel model)
    {
        var generator = new torch.Generator(11);
        foreach (var (name, buffer) in model.named_buffers())
            if (name.EndsWith("e_score_correction_bias", StringComparison.Ordinal)) buffer.copy_(torch.randn(buffer.shape, generator: generator) * 0.5);
    }
}
