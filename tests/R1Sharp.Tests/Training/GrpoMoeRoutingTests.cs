using R1Sharp.Checkpoints;
using R1Sharp.Models;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Metrics;
using TorchSharp;

namespace R1Sharp.Tests.Training;

/// <summary>Issue 16: GRPO with the routers' training terms (Qwen3-MoE's aux loss, DeepSeek-V3's bias update).</summary>
public sealed class GrpoMoeRoutingTests : IDisposable
{
    private const string Bias = "model.layers.0.mlp.gate.e_score_correction_bias";
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-grpo-moe").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ModelConfig Qwen3(bool moe) => ToyGrpo.Config() with
    {
        ModelType = moe ? ModelConfig.Qwen3Moe : ModelConfig.Qwen3,
        ExplicitHeadDim = 24,
        Moe = moe ? new MoeSettings(4, 2, 16, true, 1, [], 0.001) : null,
    };

    private static ModelConfig DeepseekV3()
    {
        var mla = new LatentAttentionSettings(16, 8, 8, 4, 8);
        var moe = new DeepseekMoeSettings(4, 2, 16, 1, 0, 1, 2, 1, DeepseekMoeSettings.NoAuxTc, DeepseekMoeSettings.Sigmoid, true, 2.5);
        return ToyGrpo.Config() with { ModelType = ModelConfig.DeepseekV3, NumKeyValueHeads = 2, LatentAttention = mla, DeepseekMoe = moe };
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task TheAuxLossIsLoggedForQwen3MoeOnly(bool moe, bool checkpointing)
    {
        var (policy, reference) = ToyGrpo.Models(Qwen3(moe));
        using (policy)
        using (reference)
            await ToyGrpo.Trainer(policy, reference, ToyGrpo.Options(2) with { SaveSteps = 0, GradientCheckpointing = checkpointing }, _dir).RunAsync(resume: false);
        var metrics = MetricsLog.ReadJsonl(Path.Combine(_dir, MetricsLog.JsonlFileName));
        Assert.Equal(2, metrics.Count);
        // coef 0.001 x the loss, which lies in [k = 2 (uniform) .. E = 4].
        if (moe) Assert.All(metrics, m => Assert.InRange(m.Values["router_aux_loss"], 0.001 * 2 * 0.99, 0.001 * 4));
        else Assert.All(metrics, m => Assert.False(m.Values.ContainsKey("router_aux_loss")));
    }

    [Fact]
    public async Task TheBiasMovesEachStepAndAResumedRunEqualsAStraightOne()
    {
        var options = ToyGrpo.Options(2) with { SaveSteps = 1, RouterBiasUpdateRate = 0.01 };
        string straight = Path.Combine(_dir, "straight"), resumed = Path.Combine(_dir, "resumed");
        Dictionary<string, torch.Tensor> expected;
        var (policy, reference) = ToyGrpo.Models(DeepseekV3());
        using (policy)
        using (reference)
        {
            await ToyGrpo.Trainer(policy, reference, options, straight).RunAsync(resume: false);
            expected = policy.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());
        }
        float[] afterFirst;
        using (var first = SafetensorsFile.Open(Path.Combine(straight, "checkpoints", "checkpoint-1", "model.safetensors")))
        using (var bias = first.Read(Bias))
            afterFirst = bias.data<float>().ToArray();
        // One step from 0: +0.01 below the mean load, -0.01 above it; 2 groups of 2 experts, each token takes one whole group.
        Assert.Contains(afterFirst, v => v != 0);
        Assert.All(afterFirst, v => Assert.Contains(v, new[] { -0.01f, 0f, 0.01f }));

        // A fresh process-like start: new models, one step, then a resume from its checkpoint in new models again.
        (policy, reference) = ToyGrpo.Models(DeepseekV3());
        using (policy)
        using (reference)
            await ToyGrpo.Trainer(policy, reference, options with { MaxSteps = 1 }, resumed).RunAsync(resume: false);
        (policy, reference) = ToyGrpo.Models(DeepseekV3());
        using (policy)
        using (reference)
        {
            await ToyGrpo.Trainer(policy, reference, options, resumed).RunAsync(resume: true);
            var state = policy.state_dict();
            foreach (var (name, value) in expected)
                Assert.True((state[name] - value).abs().max().item<float>() <= 1e-6f, name);
        }
    }

    [Fact]
    public async Task APolicyCheckpointRestoresTheSelectionBias()
    {
        using var model = CausalLanguageModel.Create(DeepseekV3(), torch.CPU, torch.ScalarType.Float32, 1);
        using (torch.no_grad()) model.state_dict()[Bias].copy_(torch.tensor(new float[] { 0.03f, -0.01f, 0.02f, 0 }));
        await new HuggingFacePolicyCheckpoint(model).SaveAsync(_dir, CancellationToken.None);
        using var fresh = CausalLanguageModel.Create(DeepseekV3(), torch.CPU, torch.ScalarType.Float32, 1);
        new HuggingFacePolicyCheckpoint(fresh).Load(_dir);
        Assert.Equal(new[] { 0.03f, -0.01f, 0.02f, 0 }, fresh.state_dict()[Bias].data<float>().ToArray());
    }
}
