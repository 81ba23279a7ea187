using System.CommandLine;
using R1Sharp.Checkpoints;
using R1Sharp.Cli;
using R1Sharp.Cli.Commands;
using R1Sharp.Models;
using R1Sharp.Tests.Evaluation;
using R1Sharp.Testing;
using R1Sharp.Tests.Models;
using R1Sharp.Training.Metrics;
using TorchSharp;

namespace R1Sharp.Tests.Training;

/// <summary>
/// Issue 16 #5: `r1 sft` and `r1 eval --checkpoint` on small random checkpoints of each newer architecture (the real
/// config scaled down, with the Qwen2.5 tokenizer files and a vocabulary to match them), and DeepSeek-V3's bias update
/// through SFT, its resume exact.
/// </summary>
public sealed class ArchitectureSftEvalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-arch-sft").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(TestModels.Qwen3)]
    [InlineData(TestModels.Qwen3Moe)]
    [InlineData(TestModels.DeepseekV3)]
    public async Task SftTrainsAndEvalScoresTheResult(string name)
    {
        string model = WriteTiny(name, Path.Combine(_dir, "model"));
        string output = Path.Combine(_dir, "sft");
        Assert.Equal(0, await Sft(model, output, "--max-steps", "2", "--save-steps", "0", "--set", "logging_steps=1"));

        var metrics = MetricsLog.ReadJsonl(Path.Combine(output, MetricsLog.JsonlFileName));
        Assert.Equal(2, metrics.Count);
        Assert.All(metrics, m => Assert.True(double.IsFinite(m.Values["loss"]), "loss must stay finite"));
        // Only Qwen3-MoE has a load-balancing loss: coef 0.001 x [k = 2 (uniform) .. E = 4].
        if (name == TestModels.Qwen3Moe) Assert.All(metrics, m => Assert.InRange(m.Values["router_aux_loss"], 0.001 * 2 * 0.99, 0.001 * 4));
        else Assert.All(metrics, m => Assert.False(m.Values.ContainsKey("router_aux_loss")));

        var benchmark = ArithmeticBenchmark.Write(_dir, "sums", 2, 1);
        string evaluation = Path.Combine(_dir, "eval");
        var root = new RootCommand();
        root.Subcommands.Add(EvalCommand.Create());
        var stderr = new StringWriter();
        int exit = root.Parse(["eval", "-b", $"sums={benchmark.DataPath}", "--question-field", "problem", "--answer-field", "answer", "--id-field", "id", "-k", "1",
            "--checkpoint", Path.Combine(output, "final"), "--max-tokens", "4", "--seed", "1", "-o", evaluation])
            .Invoke(new InvocationConfiguration { Output = new StringWriter(), Error = stderr });
        Assert.True(exit == 0, stderr.ToString());
        Assert.Equal(2, File.ReadAllLines(R1Sharp.Evaluation.EvaluationRunner.SamplesPath(evaluation, "sums")).Length);
    }

    [Fact]
    public async Task DeepseekBiasUpdateMovesTheBiasAndResumesExactly()
    {
        string model = WriteTiny(TestModels.DeepseekV3, Path.Combine(_dir, "model"));
        string[] common = ["--max-steps", "2", "--save-steps", "1", "--save-total-limit", "0", "--set", "router_bias_update_rate=0.01"];
        string straight = Path.Combine(_dir, "straight"), resumed = Path.Combine(_dir, "resumed");
        Assert.Equal(0, await Sft(model, straight, common));
        Assert.Equal(0, await Sft(model, resumed, common));
        Directory.Delete(Path.Combine(resumed, "final"), recursive: true);
        Directory.Delete(Path.Combine(resumed, "checkpoints", "checkpoint-2"), recursive: true);
        Assert.Equal(0, await Sft(model, resumed, [.. common, "--resume", Path.Combine(resumed, "checkpoints", "checkpoint-1")]));

        using var a = SafetensorsFile.Open(Path.Combine(straight, "final", "model.safetensors"));
        using var b = SafetensorsFile.Open(Path.Combine(resumed, "final", "model.safetensors"));
        Assert.Equal(a.Entries.Keys.Order(), b.Entries.Keys.Order());
        foreach (string name in a.Entries.Keys)
        {
            using var x = a.Read(name);
            using var y = b.Read(name);
            Assert.True((x - y).abs().max().item<float>() <= 1e-6f, name);
        }
        // After one step from 0: each expert's bias is +0.01 (below the mean load), -0.01 (above) or 0 (on it). Each token
        // takes both experts of one of the 2 groups, so the loads read (a, a, b, b): the bias moves unless a = b.
        using var first = SafetensorsFile.Open(Path.Combine(straight, "checkpoints", "checkpoint-1", "model.safetensors"));
        using var bias = first.Read("model.layers.1.mlp.gate.e_score_correction_bias");
        var values = bias.data<float>().ToArray();
        Assert.Contains(values, v => v != 0);
        Assert.All(values, v => Assert.Contains(v, new[] { -0.01f, 0f, 0.01f }));
        Assert.Equal(0, values.Sum(), 6); // (a, a, b, b) against the mean (a + b) / 2: two up, two down
    }

    [Fact]
    public async Task TheBiasUpdateIsRefusedOnAModelWithoutOne()
    {
        string model = WriteTiny(TestModels.Qwen3Moe, Path.Combine(_dir, "model"));
        var error = new StringWriter();
        int exit = await CliApp.BuildRoot().Parse(["sft", "--model", model, "--data", Data(), "--output", Path.Combine(_dir, "o"), "--set", "router_bias_update_rate=0.001"])
            .InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });
        Assert.Equal(2, exit);
        Assert.Contains("router_bias_update_rate", error.ToString());
    }

    private async Task<int> Sft(string model, string output, params string[] extra)
    {
        var error = new StringWriter();
        int exit = await CliApp.BuildRoot().Parse(["sft", "--model", model, "--data", Data(), "--output", output, "--batch-size", "4", "--max-length", "48",
            "--validation-fraction", "0", "--learning-rate", "1e-2", "--layout", "bucketed", .. extra])
            .InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = error });
        Assert.True(exit == 0, error.ToString());
        return exit;
    }

    private string Data()
    {
        string path = Path.Combine(_dir, "train.jsonl");
        if (!File.Exists(path))
            File.WriteAllLines(path, Enumerable.Range(0, 8).Select(i => $$"""{"prompt": "{{i}}+{{i}}?", "completion": "{{2 * i}}"}"""));
        return path;
    }

    /// <summary>
    /// The real config of <paramref name="name"/> at 2 layers of width 32 (Qwen3: head_dim 16; MoE: 4 experts of width
    /// 16, 2 per token; DeepSeek-V3: MLA ranks 16/8, head dims 8/4/8, one dense layer then a sparse one with 4 experts in
    /// 2 groups and a shared one), Qwen2.5's vocabulary size, random weights, and Qwen2.5's tokenizer files.
    /// </summary>
    internal static string WriteTiny(string name, string directory)
    {
        var real = ModelConfig.LoadArchitecture(TestModels.ConfigPath(name));
        bool moe = real.Moe is not null || real.DeepseekMoe is not null;
        var config = real.Scaled(layers: 2, hidden: 32, heads: 4, kvHeads: 2, intermediate: 64, vocab: 151936, headDim: real.HasQkNorm ? 16 : null,
            experts: moe ? 4 : null, expertsPerToken: moe ? 2 : null, moeIntermediate: moe ? 16 : null);
        if (real.LatentAttention is not null)
            config = config.WithDeepseekShape(new DeepseekScaling(QLoraRank: 16, KvLoraRank: 8, QkNopeHeadDim: 8, QkRopeHeadDim: 4, VHeadDim: 8,
                NSharedExperts: 1, NGroup: 2, TopkGroup: 1, FirstKDenseReplace: 1));
        using (var m = CausalLanguageModel.Create(config, torch.CPU, torch.ScalarType.Float32, 1))
            HuggingFaceCheckpoint.Save(m, config, directory);
        foreach (var file in new[] { "vocab.json", "merges.txt", "tokenizer_config.json", "generation_config.json" })
            File.Copy(SharedData.Path("hf", "Qwen2.5-7B-Instruct", file), Path.Combine(directory, file), overwrite: true);
        return directory;
    }
}
