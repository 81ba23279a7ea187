using System.Text.Json.Nodes;
using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Models;

/// <summary>Qwen3-MoE: config keys, softmax top-k routing, sparse dispatch, the load-balancing loss, cached decoding.</summary>
public sealed class Qwen3MoeModelTests
{
    private static readonly long[] Prompt = [5, 17, 92, 94, 40, 3, 60, 93, 12];

    [Fact]
    public void TheRealConfigIsReadKeyByKey()
    {
        var config = ModelConfig.Load(TestModels.ConfigPath(TestModels.Qwen3Moe));
        Assert.Equal(ModelConfig.Qwen3Moe, config.ModelType);
        var moe = Assert.IsType<MoeSettings>(config.Moe);
        Assert.Equal((128, 8, 768, true, 1, 0.001), (moe.NumExperts, moe.NumExpertsPerToken, moe.MoeIntermediateSize, moe.NormTopKProb, moe.DecoderSparseStep, moe.RouterAuxLossCoef));
        Assert.Empty(moe.MlpOnlyLayers);
        Assert.True(config.HasQkNorm);
        var again = ModelConfig.Parse(config.ToJson(), "round trip");
        Assert.Equal(768, again.Moe!.MoeIntermediateSize);
        Assert.True(new MoeSettings(4, 1, 8, true, 2, [3], 0).IsSparse(1));
        Assert.False(new MoeSettings(4, 1, 8, true, 2, [3], 0).IsSparse(3)); // mlp_only_layers
        Assert.False(new MoeSettings(4, 1, 8, true, 2, [3], 0).IsSparse(2)); // (2 + 1) % 2 != 0
    }

    [Theory]
    [InlineData("num_experts_per_tok", 200)]
    [InlineData("num_experts", 0)]
    [InlineData("mlp_only_layers", 99)]
    public void BadMoeKeysAreRefusedByName(string key, int value)
    {
        var json = JsonNode.Parse(File.ReadAllText(TestModels.ConfigPath(TestModels.Qwen3Moe)))!.AsObject();
        json[key] = key == "mlp_only_layers" ? new JsonArray(value) : value;
        var error = Assert.Throws<InvalidDataException>(() => ModelConfig.Parse(json.ToJsonString(), "moe.json"));
        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void SparseDispatchEqualsEveryTokenThroughItsChosenExperts()
    {
        using var scope = torch.NewDisposeScope();
        var config = TestModels.SmallConfig(TestModels.Qwen3Moe);
        using var block = Block(config);
        using var noGrad = torch.no_grad();
        var x = torch.randn([2, 5, 64], generator: new torch.Generator(3));
        var sparse = block.forward(x);

        var p = block.named_parameters().ToDictionary(n => n.name, n => n.parameter);
        var flat = x.reshape(-1, 64);
        var probabilities = torch.nn.functional.linear(flat, p["gate.weight"]).softmax(-1);
        var reference = torch.zeros_like(flat);
        for (int t = 0; t < flat.shape[0]; t++)
        {
            var (w, e) = probabilities[t].topk(2);
            w = w / w.sum();
            for (int j = 0; j < 2; j++)
            {
                long expert = e[j].item<long>();
                var row = flat[t].unsqueeze(0);
                var hidden = torch.nn.functional.silu(torch.nn.functional.linear(row, p[$"experts.{expert}.gate_proj.weight"]))
                    * torch.nn.functional.linear(row, p[$"experts.{expert}.up_proj.weight"]);
                reference[t] += w[j] * torch.nn.functional.linear(hidden, p[$"experts.{expert}.down_proj.weight"])[0];
            }
        }
        Assert.True(TestModels.MaxAbsDiff(sparse.reshape(-1, 64), reference) < 1e-5);
    }

    [Fact]
    public void AnExpertNoTokenChoseIsNeverRun()
    {
        using var scope = torch.NewDisposeScope();
        var config = TestModels.SmallConfig(TestModels.Qwen3Moe);
        using var block = Block(config);
        using var noGrad = torch.no_grad();
        var x = torch.randn([1, 3, 64], generator: new torch.Generator(4));
        var p = block.named_parameters().ToDictionary(n => n.name, n => n.parameter);
        var chosen = torch.nn.functional.linear(x.reshape(-1, 64), p["gate.weight"]).topk(2).indexes.reshape(-1).data<long>().ToHashSet();
        int idle = Enumerable.Range(0, 8).First(e => !chosen.Contains(e)); // 3 tokens x 2 choices leave at least 2 of 8 idle
        p[$"experts.{idle}.down_proj.weight"].fill_(double.NaN);
        Assert.True(block.forward(x).isfinite().all().item<bool>(), $"expert {idle} was computed although no token chose it");
    }

    [Fact]
    public void LoadBalancingLossMatchesTheHandComputedValue()
    {
        // Token 0: p = (0.25, 0.75), token 1: p = (0.4, 0.6); both pick expert 1 (k = 1): f = (0, 1), P = (0.325, 0.675).
        using var logits = torch.tensor(new float[] { 0, MathF.Log(3), 0, MathF.Log(1.5f) }, [2, 2]);
        using var loss = RouterLoadBalancing.Loss([logits], 1);
        Assert.Equal(2 * 0.675, loss.item<float>(), 5);
    }

    [Fact]
    public void TheAuxiliaryLossReachesTheRouters()
    {
        using var scope = torch.NewDisposeScope();
        using var model = TestModels.Small(TestModels.Qwen3Moe);
        Assert.Null(model.RouterAuxLoss());
        model.CollectRouterLogits = true;
        model.Forward(TestModels.Ids(Prompt));
        var loss = model.RouterAuxLoss()!;
        Assert.InRange(loss.item<float>(), 0.001f * 2 * 0.99f, 0.001f * 8); // coef x [k (uniform) .. E]
        loss.backward();
        var gate = model.named_parameters().Single(p => p.name == "model.layers.1.mlp.gate.weight").parameter;
        Assert.True(gate.grad is not null && gate.grad.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void CachedDecodingEqualsTheUncachedForward()
    {
        using var scope = torch.NewDisposeScope();
        using var model = TestModels.Small(TestModels.Qwen3Moe);
        using var noGrad = torch.no_grad();
        var full = model.Forward(TestModels.Ids(Prompt));
        using var cache = new KvCache(model.Config, 1, Prompt.Length, torch.CPU, model.Dtype);
        model.Forward(TestModels.Ids(Prompt[..4]), cache: cache);
        for (int t = 4; t < Prompt.Length; t++)
        {
            var step = model.Forward(TestModels.Ids(Prompt[t]), cache: cache);
            float diff = TestModels.MaxAbsDiff(step[0, 0], full[0, t]);
            Assert.True(diff < 1e-5, $"position {t}: cached and uncached logits differ by {diff}");
        }
    }

    private static SparseMoeBlock Block(ModelConfig config)
    {
        var block = new SparseMoeBlock(config, torch.CPU, ScalarType.Float32);
        using var noGrad = torch.no_grad();
        var generator = new torch.Generator(9);
        foreach (var (_, parameter) in block.named_parameters()) parameter.copy_(torch.randn(parameter.shape, generator: generator) * 0.3);
        return block;
    }
}
