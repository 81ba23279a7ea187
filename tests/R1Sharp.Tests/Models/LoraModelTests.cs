using R1Sharp.Models;
using R1Sharp.Models.Lora;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Models;

public class LoraModelTests
{
    private static readonly long[][] Rows = [[1, 5, 9, 3, 7, 2], [4, 4, 8, 1, 0, 6]];

    internal static void RandomizeB(LoraModel lora, long seed)
    {
        using var noGrad = torch.no_grad();
        using var generator = new torch.Generator((ulong)seed, torch.CPU);
        foreach (var (name, tensor) in lora.NamedTensors)
            if (name.EndsWith("lora_B.weight", StringComparison.Ordinal)) tensor.normal_(0, 0.2, generator);
    }

    [Fact]
    public void FreshAdaptersGiveTheBaseOutputsExactly()
    {
        using var model = TestModels.Small(TestModels.Qwen);
        using var ids = TestModels.Ids(Rows);
        using var before = model.Forward(ids);
        using var lora = LoraModel.Attach(model, new LoraOptions { TargetModules = [LoraOptions.AllLinear] }, seed: 3);
        using var after = model.Forward(ids);
        Assert.True(TestModels.BitEqual(before, after));
        Assert.Equal(2 * 7, lora.AdaptedModules.Count);
    }

    [Fact]
    public void AdaptedForwardEqualsTheMergedModelsForward()
    {
        using var model = TestModels.Small(TestModels.DistillLlama);
        using var ids = TestModels.Ids(Rows);
        using var baseLogits = model.Forward(ids);
        var lora = LoraModel.Attach(model, new LoraOptions { Rank = 4, Alpha = 8, UseRsLora = true, TargetModules = [LoraOptions.AllLinear] }, seed: 3);
        RandomizeB(lora, 11);
        using var adapted = model.Forward(ids);
        Assert.True(TestModels.MaxAbsDiff(adapted, baseLogits) > 1e-2, "a non-zero B must change the outputs");
        using (lora.Disabled())
        {
            using var disabled = model.Forward(ids);
            Assert.True(TestModels.BitEqual(disabled, baseLogits), "adapters off = the base model");
        }
        Assert.True(lora.Enabled);
        lora.MergeAndDetach();
        using var merged = model.Forward(ids);
        float scale = adapted.abs().max().item<float>();
        Assert.True(TestModels.MaxAbsDiff(adapted, merged) <= 1e-5 * Math.Max(1, scale), $"merged differs by {TestModels.MaxAbsDiff(adapted, merged)} (logits up to {scale})");
    }

    [Fact]
    public void OnlyAdapterParametersTrainAndGetGradients()
    {
        using var model = TestModels.Small(TestModels.Qwen);
        model.train();
        using var lora = LoraModel.Attach(model, new LoraOptions { Rank = 4, TargetModules = ["q_proj", "down_proj"] }, seed: 5);
        Assert.Equal(["model.layers.0.self_attn.q_proj", "model.layers.0.mlp.down_proj", "model.layers.1.self_attn.q_proj", "model.layers.1.mlp.down_proj"], lora.AdaptedModules);
        Assert.All(model.parameters(), p => Assert.False(p.requires_grad));
        Assert.All(lora.Parameters, p => Assert.True(p.requires_grad));
        var shapes = lora.NamedTensors.ToDictionary(t => t.Name, t => t.Tensor.shape);
        Assert.Equal([4L, 64], shapes["base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"]);
        Assert.Equal([64L, 4], shapes["base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight"]);
        Assert.Equal([64L, 4], shapes["base_model.model.model.layers.1.mlp.down_proj.lora_B.weight"]);
        Assert.Equal([4L, 128], shapes["base_model.model.model.layers.1.mlp.down_proj.lora_A.weight"]);
        // PEFT's init: A ~ U(-1/sqrt(in), 1/sqrt(in)), B = 0.
        var a = lora.NamedTensors.First(t => t.Name.EndsWith("down_proj.lora_A.weight", StringComparison.Ordinal)).Tensor;
        Assert.True(a.abs().max().item<float>() <= 1 / Math.Sqrt(128));
        Assert.True(a.abs().max().item<float>() > 0.5 / Math.Sqrt(128));

        RandomizeB(lora, 2);
        using var ids = TestModels.Ids(Rows);
        using var loss = model.Forward(ids).logsumexp(-1).mean();
        loss.backward();
        Assert.All(model.parameters(), p => Assert.True(p.grad is null));
        Assert.All(lora.Parameters, p => Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0));
    }

    [Fact]
    public void DetachRestoresTheBaseModel()
    {
        using var model = TestModels.Small(TestModels.Qwen);
        using var ids = TestModels.Ids(Rows);
        using var before = model.Forward(ids);
        var lora = LoraModel.Attach(model, new LoraOptions(), seed: 1);
        RandomizeB(lora, 4);
        lora.Detach();
        using var after = model.Forward(ids);
        Assert.True(TestModels.BitEqual(before, after));
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void ScalingIsAlphaOverRankOrOverItsRootWithRsLora()
    {
        Assert.Equal(2.0, new LoraOptions { Rank = 16, Alpha = 32 }.Scaling);
        Assert.Equal(8.0, new LoraOptions { Rank = 16, Alpha = 32, UseRsLora = true }.Scaling);
        Assert.Equal(["q_proj", "v_proj"], new LoraOptions().EffectiveTargetModules);
    }

    [Fact]
    public void BadSettingsNameTheKey()
    {
        var problems = new LoraOptions { Rank = 0, Alpha = -1, Dropout = 1, TargetModules = ["qq_proj"] }.Problems();
        Assert.Contains(problems, p => p.StartsWith("lora_r:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("lora_alpha:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("lora_dropout:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'qq_proj'", StringComparison.Ordinal));

        using var model = TestModels.Small(TestModels.Qwen); // tied embeddings: no lm_head
        var e = Assert.Throws<ArgumentException>(() => LoraModel.Attach(model, new LoraOptions { Rank = -2 }, 1));
        Assert.Contains("lora_r", e.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<ArgumentException>(() => LoraModel.Attach(model, new LoraOptions { TargetModules = ["lm_head.q_proj"] }, 1));
        Assert.Contains("'lm_head.q_proj'", missing.Message, StringComparison.Ordinal);
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));
    }
}
