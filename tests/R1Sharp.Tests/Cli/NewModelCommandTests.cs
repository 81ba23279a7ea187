using System.CommandLine;
using R1Sharp.Checkpoints;
using R1Sharp.Cli;
using R1Sharp.Generation;
using R1Sharp.Models;
using R1Sharp.Testing;
using R1Sharp.Tests.Checkpoints;
using TorchSharp;

namespace R1Sharp.Tests.Cli;

public class NewModelCommandTests
{
    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliApp.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void WritesALoadableScaledCheckpointWithTokenizerFiles()
    {
        using var dir = new TempDirectory();
        string config = SharedData.Path("hf", "Qwen2.5-7B-Instruct", "config.json"); // has vocab.json + merges.txt beside it
        var (exit, output, error) = Run("new-model", "--config", config, "--layers", "2", "--hidden", "64", "--heads", "4", "--kv-heads", "2",
            "--vocab", "128", "--dtype", "bf16", "--seed", "3", "--out", dir.Path);
        Assert.True(exit == 0, error);
        Assert.Contains("parameters", output);
        Assert.True(File.Exists(dir.Combine("vocab.json")));
        Assert.True(File.Exists(dir.Combine("merges.txt")));
        Assert.True(File.Exists(dir.Combine("tokenizer_config.json")));
        var generation = GenerationConfig.Load(dir.Combine("generation_config.json"));
        Assert.Equal(GenerationConfig.Load(SharedData.Path("hf", "Qwen2.5-7B-Instruct", "generation_config.json")).EosTokenIds, generation.EosTokenIds);

        var (model, loaded) = HuggingFaceCheckpoint.Load(dir.Path, torch.CPU);
        using (model)
        {
            var real = ModelConfig.Load(config);
            Assert.Equal(2, loaded.NumHiddenLayers);
            Assert.Equal(64, loaded.HiddenSize);
            Assert.Equal(128, loaded.VocabSize);
            Assert.Equal(real.RopeTheta, loaded.RopeTheta);
            Assert.Equal(torch.ScalarType.BFloat16, model.Dtype);
            var result = new BatchedGenerator(model).Generate([[1, 2, 3]], new SamplingOptions { MaxNewTokens = 3, Seed = 1 });
            Assert.Equal(3, result[0].Tokens.Length);
        }
    }

    [Fact]
    public void ScalesQwen3DownKeepingItsQueryAndKeyNorms()
    {
        using var dir = new TempDirectory();
        var (exit, output, error) = Run("new-model", "--config", SharedData.Path("hf", "Qwen3-0.6B", "config.json"), "--layers", "2", "--hidden", "64",
            "--heads", "4", "--kv-heads", "2", "--head-dim", "32", "--intermediate", "96", "--vocab", "128", "--out", dir.Path);
        Assert.True(exit == 0, error);
        Assert.Contains("qwen3", output);
        Assert.Contains("4/2 heads of 32", output);
        var (model, loaded) = HuggingFaceCheckpoint.Load(dir.Path, torch.CPU);
        using (model)
        {
            Assert.Equal(ModelConfig.Qwen3, loaded.ModelType);
            Assert.Equal(32, loaded.HeadDim);
            Assert.True(loaded.TieWordEmbeddings);
            Assert.Contains(model.named_parameters(), p => p.name == "model.layers.1.self_attn.k_norm.weight" && p.parameter.shape[0] == 32);
        }
    }

    [Fact]
    public void ScalesQwen3MoeDownWithFlagsNamedAfterTheConfigKeys()
    {
        using var dir = new TempDirectory();
        var (exit, output, error) = Run("new-model", "--config", SharedData.Path("hf", "Qwen3-30B-A3B", "config.json"), "--layers", "2", "--hidden", "64",
            "--heads", "4", "--kv-heads", "2", "--head-dim", "16", "--num-experts", "6", "--num-experts-per-tok", "2", "--moe-intermediate-size", "24",
            "--vocab", "128", "--out", dir.Path);
        Assert.True(exit == 0, error);
        Assert.Contains("6 experts (top 2)", output);
        var (model, loaded) = HuggingFaceCheckpoint.Load(dir.Path, torch.CPU);
        using (model)
        {
            Assert.Equal(6, loaded.Moe!.NumExperts);
            Assert.Equal(24, loaded.Moe.MoeIntermediateSize);
            Assert.Contains(model.named_parameters(), p => p.name == "model.layers.1.mlp.experts.5.down_proj.weight" && p.parameter.shape.SequenceEqual(new long[] { 64, 24 }));
            Assert.Contains(model.named_parameters(), p => p.name == "model.layers.0.mlp.gate.weight" && p.parameter.shape.SequenceEqual(new long[] { 6, 64 }));
        }
    }

    [Fact]
    public void ScalesDeepseekV3DownWithFlagsNamedAfterTheConfigKeys()
    {
        using var dir = new TempDirectory();
        var (exit, output, error) = Run("new-model", "--config", SharedData.Path("hf", "DeepSeek-V3", "config.json"), "--layers", "3", "--hidden", "64",
            "--heads", "4", "--intermediate", "96", "--n-routed-experts", "8", "--num-experts-per-tok", "2", "--moe-intermediate-size", "16",
            "--q-lora-rank", "24", "--kv-lora-rank", "16", "--qk-nope-head-dim", "16", "--qk-rope-head-dim", "8", "--v-head-dim", "12",
            "--n-group", "4", "--topk-group", "2", "--first-k-dense-replace", "1", "--vocab", "128", "--out", dir.Path);
        Assert.True(exit == 0, error);
        Assert.Contains("8 experts in 4 groups (top 2) + 1 shared", output);
        var (model, loaded) = HuggingFaceCheckpoint.Load(dir.Path, torch.CPU);
        using (model)
        {
            Assert.Equal((24, 16, 16, 8, 12), (loaded.LatentAttention!.QLoraRank!.Value, loaded.LatentAttention.KvLoraRank, loaded.LatentAttention.QkNopeHeadDim,
                loaded.LatentAttention.QkRopeHeadDim, loaded.LatentAttention.VHeadDim));
            Assert.Equal((8, 4, 2, 1), (loaded.DeepseekMoe!.NRoutedExperts, loaded.DeepseekMoe.NGroup, loaded.DeepseekMoe.TopkGroup, loaded.DeepseekMoe.FirstKDenseReplace));
            Assert.False(loaded.AdditionalFields.ContainsKey("quantization_config"));
            Assert.Contains(model.named_parameters(), p => p.name == "model.layers.2.mlp.shared_experts.down_proj.weight" && p.parameter.shape.SequenceEqual(new long[] { 64, 16 }));
            Assert.Contains(model.named_parameters(), p => p.name == "model.layers.0.self_attn.kv_b_proj.weight" && p.parameter.shape.SequenceEqual(new long[] { 4 * 28, 16 }));
        }
    }

    [Fact]
    public void InconsistentShapeIsAClearError()
    {
        using var dir = new TempDirectory();
        var (exit, _, error) = Run("new-model", "--config", SharedData.Path("hf", "Qwen2.5-0.5B-Instruct", "config.json"), "--hidden", "100", "--heads", "3", "--out", dir.Combine("m"));
        Assert.Equal(2, exit);
        Assert.Contains("hidden_size", error);
        Assert.False(Directory.Exists(dir.Combine("m")));
    }
}
