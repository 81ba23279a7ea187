using System.CommandLine;
using R1Sharp.Checkpoints;
using R1Sharp.Cli;
using R1Sharp.Models;
using R1Sharp.Testing;
using R1Sharp.Training.Metrics;
using TorchSharp;

namespace R1Sharp.Tests.Training;

/// <summary>`r1 grpo` end to end, in-process, on a tiny random Qwen2 checkpoint with the real Qwen2.5 tokenizer.</summary>
public sealed class GrpoCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-grpo-cli").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string TinyQwen() => WriteTinyQwen(Path.Combine(_dir, "model"));

    /// <summary>A one-layer random Qwen2 checkpoint with the real Qwen2.5 tokenizer files, written to <paramref name="model"/>.</summary>
    internal static string WriteTinyQwen(string model)
    {
        var config = ModelConfig.Load(SharedData.Path("hf", "Qwen2.5-0.5B-Instruct", "config.json"))
            .Scaled(layers: 1, hidden: 32, heads: 2, kvHeads: 1, intermediate: 64);
        using (var m = CausalLanguageModel.Create(config, torch.CPU, torch.ScalarType.Float32, 1))
            HuggingFaceCheckpoint.Save(m, config, model);
        foreach (var file in new[] { "vocab.json", "merges.txt", "tokenizer_config.json", "generation_config.json" })
            File.Copy(SharedData.Path("hf", "Qwen2.5-7B-Instruct", file), Path.Combine(model, file), overwrite: true);
        return model;
    }

    private string Data()
    {
        string path = Path.Combine(_dir, "rows.jsonl");
        File.WriteAllLines(path,
        [
            "{\"problem\": \"What is 1+1?\", \"answer\": \"2\"}",
            "{\"problem\": \"What is 2+3?\", \"answer\": \"5\"}",
            "{\"problem\": \"What is 3*3?\", \"answer\": \"9\"}",
        ]);
        return path;
    }

    private static int Run(params string[] args) => CliApp.BuildRoot().Parse(args).Invoke();

    [Fact]
    public void TrainsSavesHuggingFaceCheckpointsAndResumes()
    {
        string model = TinyQwen(), data = Data(), output = Path.Combine(_dir, "run");
        string[] common = ["grpo", "--model", model, "--data", data, "--out", output, "--set", "num_generations=2", "--set", "prompts_per_step=2",
            "--set", "max_completion_length=6", "--set", "save_steps=1", "--set", "learning_rate=1e-3"];
        Assert.Equal(0, Run([.. common, "--steps", "2"]));
        string checkpoint = Path.Combine(output, "checkpoints", "checkpoint-2");
        foreach (var file in new[] { "config.json", "model.safetensors", "vocab.json", "merges.txt", "tokenizer_config.json", "trainer_state.json", "optimizer.bin" })
            Assert.True(File.Exists(Path.Combine(checkpoint, file)), file);
        var (reloaded, _) = HuggingFaceCheckpoint.Load(checkpoint, torch.CPU);
        reloaded.Dispose();

        Assert.Equal(0, Run([.. common, "--steps", "3", "--resume"]));
        var metrics = MetricsLog.ReadJsonl(Path.Combine(output, MetricsLog.JsonlFileName));
        Assert.Equal(new long[] { 1, 2, 3 }, metrics.Select(m => m.Step));
        Assert.All(metrics, m => Assert.True(m.Values.ContainsKey("rewards/accuracy/mean") && m.Values.ContainsKey("rewards/format/mean")));
        Assert.Contains("\"num_generations\": 2", File.ReadAllText(Path.Combine(output, "grpo_config.json")));

        // A fresh start into the folder is refused (a later --resume would continue the older run's checkpoint-3)...
        Assert.Equal(2, Run([.. common, "--steps", "1"]));
        // ...so is a resume that changes a setting of the run, and asking for both...
        Assert.Equal(2, Run([.. common, "--steps", "4", "--resume", "--set", "temperature=0.5"]));
        Assert.Equal(2, Run([.. common, "--steps", "4", "--resume", "--overwrite"]));
        Assert.Equal(new long[] { 1, 2, 3 }, MetricsLog.ReadJsonl(Path.Combine(output, MetricsLog.JsonlFileName)).Select(m => m.Step));
        // ...while --overwrite starts again from nothing.
        Assert.Equal(0, Run([.. common, "--steps", "1", "--overwrite"]));
        Assert.Equal(new long[] { 1 }, MetricsLog.ReadJsonl(Path.Combine(output, MetricsLog.JsonlFileName)).Select(m => m.Step));
        Assert.Equal(["checkpoint-1"], Directory.GetDirectories(Path.Combine(output, "checkpoints")).Select(Path.GetFileName));
    }

    [Fact]
    public void BadOptionValueFailsBeforeLoadingAnything()
    {
        Assert.Equal(2, Run("grpo", "--model", Path.Combine(_dir, "none"), "--data", "x.jsonl", "--out", _dir, "--set", "num_generations=1"));
        Assert.Equal(2, Run("grpo", "--model", Path.Combine(_dir, "none"), "--data", "x.jsonl", "--out", _dir, "--template", "alpaca"));
    }

    [Fact]
    public async Task GeneratesOnRemoteServersAndPushesTheUpdatedPolicy()
    {
        string model = TinyQwen(), data = Data(), output = Path.Combine(_dir, "remote");
        var serveOptions = new R1Sharp.Serving.ServeOptions { Port = 0, ModelName = "tiny", ContextLength = 512 };
        var served = R1Sharp.Serving.ServedModelLoader.Load(model, torch.CPU, null, serveOptions);
        await using (served.Engine)
        await using (var server = await R1Sharp.Serving.Http.OpenAiServer.StartAsync(served, serveOptions))
        {
            var initial = served.Engine.Model;
            int exit = await CliApp.BuildRoot().Parse(["grpo", "--model", model, "--data", data, "--out", output,
                "--set", "num_generations=2", "--set", "prompts_per_step=2", "--set", "max_completion_length=6", "--set", "learning_rate=1e-2",
                "--steps", "2", "--rollout-endpoints", server.BaseAddress.ToString()]).InvokeAsync();
            Assert.Equal(0, exit);
            Assert.Equal(2, MetricsLog.ReadJsonl(Path.Combine(output, MetricsLog.JsonlFileName)).Count);

            // The server was told to reload after each update and now serves the last pushed policy.
            Assert.NotSame(initial, served.Engine.Model);
            var (pushed, _) = HuggingFaceCheckpoint.Load(Path.Combine(output, "rollout-weights", "even"), torch.CPU);
            using (pushed)
            {
                var servedWeights = served.Engine.Model.state_dict();
                foreach (var (name, value) in pushed.state_dict())
                    Assert.True(torch.allclose(value, servedWeights[name], 0, 0), name);
            }
        }
    }
}
