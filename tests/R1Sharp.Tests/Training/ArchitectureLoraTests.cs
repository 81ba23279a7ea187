using R1Sharp.Checkpoints;
using R1Sharp.Models;
using R1Sharp.Models.Lora;
using R1Sharp.Rewards.Composition;
using R1Sharp.Tests.Models;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Rollouts;
using TorchSharp;

namespace R1Sharp.Tests.Training;

/// <summary>Issue 16: LoRA's default targets per architecture, and LoRA GRPO on DeepSeek-V3 (MLA has no q_proj/v_proj).</summary>
public sealed class ArchitectureLoraTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-arch-lora").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(TestModels.Qwen3, false, "q_proj,v_proj")]
    [InlineData(TestModels.Qwen3Moe, false, "q_proj,v_proj")]
    [InlineData(TestModels.DeepseekV3, false, "q_a_proj,q_b_proj,kv_a_proj_with_mqa,kv_b_proj,o_proj")]
    [InlineData(TestModels.DeepseekV3, true, "q_proj,kv_a_proj_with_mqa,kv_b_proj,o_proj")]
    public void TheDefaultTargetsAreTheArchitecturesAttentionProjections(string name, bool noQueryBottleneck, string expected)
    {
        var config = TestModels.SmallConfig(name);
        if (noQueryBottleneck) config = config with { LatentAttention = config.LatentAttention! with { QLoraRank = null } };
        using var model = CausalLanguageModel.Create(config, torch.CPU, torch.ScalarType.Float32, 1);
        using var lora = LoraModel.Attach(model, new LoraOptions { Rank = 2 }, seed: 1);
        Assert.Equal(expected.Split(','), lora.TargetModules);
        var adapted = lora.AdaptedModules.Select(m => m[(m.LastIndexOf('.') + 1)..]).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(expected.Split(',').Order(StringComparer.Ordinal), adapted);
        Assert.Equal(2 * expected.Split(',').Length, lora.AdaptedModules.Count); // every layer (2) of each
    }

    [Fact]
    public void ATargetThatMatchesNothingNamesTheModulesThatExist()
    {
        using var model = TestModels.Small(TestModels.DeepseekV3);
        var error = Assert.Throws<ArgumentException>(() => LoraModel.Attach(model, new LoraOptions { TargetModules = ["v_proj"] }, seed: 1));
        Assert.Contains("'v_proj'", error.Message);
        Assert.Contains("deepseek_v3", error.Message);
        foreach (var module in new[] { "q_a_proj", "kv_b_proj", "o_proj", "down_proj" })
            Assert.Contains(module, error.Message);
        Assert.DoesNotContain("lm_head", error.Message);
    }

    [Fact]
    public async Task GrpoStepsWithDefaultLoraOnDeepseekV3TrainOnlyTheAdapters()
    {
        var mla = new LatentAttentionSettings(16, 8, 8, 4, 8);
        var moe = new DeepseekMoeSettings(4, 2, 16, 1, 0, 1, 2, 1, DeepseekMoeSettings.NoAuxTc, DeepseekMoeSettings.Sigmoid, true, 2.5);
        var config = ToyGrpo.Config() with { ModelType = ModelConfig.DeepseekV3, NumKeyValueHeads = 2, LatentAttention = mla, DeepseekMoe = moe };
        var (policy, reference) = ToyGrpo.Models(config);
        reference.Dispose();
        using (policy)
        {
            var baseWeights = policy.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());
            var options = ToyGrpo.Options(3) with { SaveSteps = 0, UsePeft = true, LoraRank = 4, LoraAlpha = 16, LoraDropout = 0, LearningRate = 5e-2 };
            using var lora = LoraModel.Attach(policy, options.Lora!, seed: 9);
            var trainer = new GrpoTrainer(policy, policy, new ToyGrpo.LetterTokenizer(), new InProcessRolloutEngine(policy),
                new RewardComposer([new WeightedReward(new ToyGrpo.StartsWithA())]), new ToyGrpo.FixedPrompts(), options, new LoraPolicyCheckpoint(lora, null), _dir);
            await trainer.RunAsync(resume: false);

            Assert.All(lora.NamedTensors.Where(t => t.Name.Contains("lora_B", StringComparison.Ordinal)),
                t => Assert.True(t.Tensor.abs().max().item<float>() > 0, $"{t.Name} did not train"));
            var after = policy.state_dict();
            foreach (var (name, before) in baseWeights)
                Assert.True(after[name].allclose(before, 0, 0), $"{name}: a base weight changed");
            var saved = PeftAdapterFiles.ReadOptions(Path.Combine(_dir, "checkpoints", "checkpoint-3"));
            Assert.Equal(["q_a_proj", "q_b_proj", "kv_a_proj_with_mqa", "kv_b_proj", "o_proj"], saved.TargetModules);
        }
    }
}
