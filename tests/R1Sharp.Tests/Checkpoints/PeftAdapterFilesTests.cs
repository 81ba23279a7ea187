using System.Text.Json.Nodes;
using R1Sharp.Checkpoints;
using R1Sharp.Models.Lora;
using R1Sharp.Tests.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Checkpoints;

public class PeftAdapterFilesTests
{
    private static readonly long[][] Rows = [[1, 5, 9, 3, 7, 2]];

    [Fact]
    public void SavedAdapterLoadsBackWithTheSameOutputs()
    {
        using var dir = new TempDirectory();
        using var model = TestModels.Small(TestModels.Qwen);
        using var ids = TestModels.Ids(Rows);
        Tensor expected;
        using (var lora = LoraModel.Attach(model, new LoraOptions { Rank = 4, Alpha = 16, Dropout = 0.1, TargetModules = ["q_proj", "v_proj", "up_proj"], UseRsLora = true }, seed: 7))
        {
            LoraModelTests.RandomizeB(lora, 3);
            expected = model.Forward(ids);
            PeftAdapterFiles.Save(lora, dir.Path, "Qwen/Qwen2.5-0.5B-Instruct");
        }
        var config = JsonNode.Parse(File.ReadAllText(dir.Combine(PeftAdapterFiles.ConfigFile)))!.AsObject();
        Assert.Equal("LORA", (string?)config["peft_type"]);
        Assert.Equal("CAUSAL_LM", (string?)config["task_type"]);
        Assert.Equal(4, (int)config["r"]!);
        Assert.Equal(16.0, (double)config["lora_alpha"]!);
        Assert.Equal("none", (string?)config["bias"]);
        Assert.True((bool)config["use_rslora"]!);
        Assert.Equal("Qwen/Qwen2.5-0.5B-Instruct", (string?)config["base_model_name_or_path"]);
        using (var file = SafetensorsFile.Open(dir.Combine(PeftAdapterFiles.WeightsFile)))
        {
            Assert.Equal(2 * 3 * 2, file.Entries.Count);
            Assert.Equal([4L, 64], file.Entries["base_model.model.model.layers.1.mlp.up_proj.lora_A.weight"].Shape);
            Assert.Equal([128L, 4], file.Entries["base_model.model.model.layers.1.mlp.up_proj.lora_B.weight"].Shape);
        }

        using var fresh = TestModels.Small(TestModels.Qwen);
        using var loaded = PeftAdapterFiles.Load(fresh, dir.Path);
        Assert.Equal(0.1, loaded.Options.Dropout);
        using var actual = fresh.Forward(ids);
        Assert.True(TestModels.BitEqual(expected, actual));
        expected.Dispose();
    }

    [Fact]
    public void AnAdapterWrittenAsPeftWritesItLoads()
    {
        using var dir = new TempDirectory();
        // adapter_config.json as PEFT 0.13 writes it (keys it adds that R1Sharp ignores included).
        File.WriteAllText(dir.Combine(PeftAdapterFiles.ConfigFile), """
            {
              "alpha_pattern": {}, "auto_mapping": null, "base_model_name_or_path": "Qwen/Qwen2.5-0.5B-Instruct",
              "bias": "none", "fan_in_fan_out": false, "inference_mode": true, "init_lora_weights": true,
              "layer_replication": null, "layers_pattern": null, "layers_to_transform": null, "loftq_config": {},
              "lora_alpha": 16, "lora_dropout": 0.05, "megatron_config": null, "megatron_core": "megatron.core",
              "modules_to_save": null, "peft_type": "LORA", "r": 2, "rank_pattern": {}, "revision": null,
              "target_modules": ["o_proj"], "task_type": "CAUSAL_LM", "use_dora": false, "use_rslora": false
            }
            """);
        var tensors = new List<(string, Tensor)>();
        for (int layer = 0; layer < 2; layer++)
        {
            string prefix = $"base_model.model.model.layers.{layer}.self_attn.o_proj.";
            tensors.Add((prefix + "lora_A.weight", torch.full([2, 64], 0.01f * (layer + 1)).to(ScalarType.BFloat16)));
            tensors.Add((prefix + "lora_B.weight", torch.full([64, 2], 0.5f)));
        }
        SafetensorsWriter.Write(dir.Combine(PeftAdapterFiles.WeightsFile), tensors);

        using var model = TestModels.Small(TestModels.Qwen);
        using var lora = PeftAdapterFiles.Load(model, dir.Path);
        Assert.Equal(["model.layers.0.self_attn.o_proj", "model.layers.1.self_attn.o_proj"], lora.AdaptedModules);
        Assert.Equal(8.0, lora.Options.Scaling);
        var b = lora.NamedTensors.Single(t => t.Name == "base_model.model.model.layers.1.self_attn.o_proj.lora_A.weight").Tensor;
        Assert.Equal(0.02f, b[0, 0].item<float>(), 3);
        foreach (var (_, t) in tensors) t.Dispose();
    }

    [Fact]
    public void AnAdapterForAnotherBaseShapeIsRefusedNamingTheTensor()
    {
        using var dir = new TempDirectory();
        using (var other = R1Sharp.Models.CausalLanguageModel.Create(TestModels.SmallConfig(TestModels.Qwen) with { IntermediateSize = 96 }, torch.CPU, ScalarType.Float32, 1))
        using (var lora = LoraModel.Attach(other, new LoraOptions { Rank = 2, TargetModules = ["down_proj"] }, 1))
            PeftAdapterFiles.Save(lora, dir.Path, null);
        using var model = TestModels.Small(TestModels.Qwen);
        var e = Assert.Throws<InvalidDataException>(() => PeftAdapterFiles.Load(model, dir.Path));
        Assert.Contains("base_model.model.model.layers.0.mlp.down_proj.lora_A.weight", e.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 96]", e.Message, StringComparison.Ordinal);
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad)); // a refused load leaves the model as it was
    }

    [Theory]
    [InlineData("\"use_dora\": true", "use_dora")]
    [InlineData("\"peft_type\": \"PREFIX_TUNING\"", "peft_type")]
    [InlineData("\"r\": 0", "'r'")]
    [InlineData("\"target_modules\": [\"qkv\"]", "'qkv'")]
    [InlineData("\"bias\": \"all\"", "bias")]
    public void UnsupportedOrBadConfigsAreRefusedNamingTheField(string field, string named)
    {
        using var dir = new TempDirectory();
        var config = new JsonObject { ["peft_type"] = "LORA", ["r"] = 2, ["lora_alpha"] = 4, ["target_modules"] = new JsonArray("q_proj") };
        var changed = JsonNode.Parse("{" + field + "}")!.AsObject();
        foreach (var (key, value) in changed) config[key] = value?.DeepClone();
        File.WriteAllText(dir.Combine(PeftAdapterFiles.ConfigFile), config.ToJsonString());
        var e = Assert.Throws<InvalidDataException>(() => PeftAdapterFiles.ReadOptions(dir.Path));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
        Assert.Contains(PeftAdapterFiles.ConfigFile, e.Message, StringComparison.Ordinal);
    }
}
