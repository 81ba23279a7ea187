using System.CommandLine;
using System.Text.Json;
using R1Sharp.Checkpoints;
using R1Sharp.Cli;
using R1Sharp.Text.Tokenization;
using R1Sharp.Training.Metrics;
using TorchSharp;

namespace R1Sharp.Tests.Training.Rollouts;

/// <summary><c>r1 grpo --rollout-backend vllm</c> end to end against a scripted vLLM-shaped server, on a tiny random Qwen2.</summary>
public sealed class VllmBackendGrpoTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-vllm-grpo").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (string Model, string Data, int Eos) Inputs()
    {
        string model = GrpoCommandTests.WriteTinyQwen(Path.Combine(_dir, "model"));
        string data = Path.Combine(_dir, "rows.jsonl");
        File.WriteAllLines(data, ["{\"problem\": \"What is 1+1?\", \"answer\": \"2\"}", "{\"problem\": \"What is 2+3?\", \"answer\": \"5\"}"]);
        return (model, data, HuggingFaceTokenizer.Load(model).EosIds[0]);
    }

    // A vLLM server: completions alternate between two short answers, each token reported at log-prob −1.
    private static Func<string, string, ScriptedEngineServer.Reply> Vllm(int eos, Func<string, ScriptedEngineServer.Reply?>? overrideControl = null)
    {
        int served = 0;
        return (path, body) =>
        {
            if (path == "/v1/completions")
            {
                int[] tokens = Interlocked.Increment(ref served) % 2 == 0 ? [17, eos] : [220, 18, eos];
                return new(200, ScriptedEngineServer.VllmCompletion(tokens, [.. tokens.Select(_ => -1f)], "stop", withTokenIds: true));
            }
            return overrideControl?.Invoke(path) ?? new(200, path == "/reset_prefix_cache" ? "" : """{"status":"ok"}""");
        };
    }

    private static async Task<(int Exit, string Error)> Grpo(params string[] args)
    {
        var error = new StringWriter();
        int exit = await CliApp.BuildRoot().Parse(["grpo", .. args]).InvokeAsync(new InvocationConfiguration { Error = error, Output = TextWriter.Null });
        return (exit, error.ToString());
    }

    [Fact]
    public async Task TwoStepsSampleOnVllmCorrectTheMismatchAndReloadTheServerAfterEachUpdate()
    {
        var (model, data, eos) = Inputs();
        string output = Path.Combine(_dir, "run");
        await using var server = new ScriptedEngineServer(Vllm(eos));
        var (exit, error) = await Grpo("--model", model, "--data", data, "--output", output, "--steps", "2",
            "--set", "num_generations=2", "--set", "prompts_per_step=2", "--set", "max_completion_length=4", "--set", "learning_rate=1e-2",
            "--rollout-backend", "vllm", "--rollout-endpoints", server.BaseUri.ToString());
        Assert.True(exit == 0, error);

        // Sampled through /v1/completions with the sampled tokens' log-probs and ids; reloaded after each of the two updates.
        var completions = server.Calls.Where(c => c.Path == "/v1/completions").Select(c => JsonDocument.Parse(c.Body).RootElement).ToList();
        Assert.Equal(8, completions.Count);
        Assert.All(completions, c => Assert.True(c.GetProperty("return_tokens_as_token_ids").GetBoolean() && c.GetProperty("logprobs").GetInt32() == 1));
        string[] sync = ["/pause", "/collective_rpc", "/reset_prefix_cache", "/resume"];
        Assert.Equal([.. sync, .. sync], server.ControlPaths);

        // The mismatch between the trainer's log-probs and the server's −1 is logged with TRL's names.
        var steps = MetricsLog.ReadJsonl(Path.Combine(output, MetricsLog.JsonlFileName));
        Assert.Equal(2, steps.Count);
        Assert.All(steps, s => Assert.True(s.Values["sampling/sampling_logp_difference/mean"] > 0.5, "a random 152k-vocabulary model is far from log p = −1"));
        Assert.All(steps, s => Assert.InRange(s.Values["sampling/importance_sampling_ratio/clip_fraction"], 0, 1));

        // The folder the server was told to load holds the final policy, as the last checkpoint does.
        var lastRpc = JsonDocument.Parse(server.Calls.Last(c => c.Path == "/collective_rpc").Body).RootElement;
        string pushed = lastRpc.GetProperty("kwargs").GetProperty("weights_path").GetString()!;
        var (fromServerFolder, _) = HuggingFaceCheckpoint.Load(pushed, torch.CPU);
        var (fromCheckpoint, _) = HuggingFaceCheckpoint.Load(Path.Combine(output, "checkpoints", "checkpoint-2"), torch.CPU);
        using (fromServerFolder)
        using (fromCheckpoint)
        {
            var expected = fromCheckpoint.state_dict();
            foreach (var (name, value) in fromServerFolder.state_dict())
                Assert.True(torch.allclose(value, expected[name], 0, 0), name);
        }
    }

    [Fact]
    public async Task AServerThatRefusesTheReloadStopsTheRunAtTheLastCheckpointWithExitCode2()
    {
        var (model, data, eos) = Inputs();
        string output = Path.Combine(_dir, "refused");
        int rpcCalls = 0;
        await using var server = new ScriptedEngineServer(Vllm(eos, path =>
            path == "/collective_rpc" && Interlocked.Increment(ref rpcCalls) == 2 ? new(500, """{"detail":"reload_weights: shape mismatch"}""") : null));
        var (exit, error) = await Grpo("--model", model, "--data", data, "--output", output, "--steps", "3",
            "--set", "num_generations=2", "--set", "prompts_per_step=2", "--set", "max_completion_length=4", "--set", "save_steps=1",
            "--set", "rollout_backend=vllm", "--rollout-endpoints", server.BaseUri.ToString());
        Assert.Equal(2, exit);
        Assert.Contains("step 2", error);
        Assert.Contains(server.BaseUri.ToString(), error);
        Assert.Contains("shape mismatch", error);
        // Step 1's checkpoint is whole; step 2's update was never checkpointed; the server was left paused, not resumed.
        Assert.True(File.Exists(Path.Combine(output, "checkpoints", "checkpoint-1", "model.safetensors")));
        Assert.False(Directory.Exists(Path.Combine(output, "checkpoints", "checkpoint-2")));
        Assert.Equal(["/pause", "/collective_rpc", "/reset_prefix_cache", "/resume", "/pause", "/collective_rpc"], server.ControlPaths);
        Assert.Equal(8, server.Calls.Count(c => c.Path == "/v1/completions")); // steps 1 and 2 sampled; step 3 never did

        // --resume first loads checkpoint 1's weights into the (possibly half-loaded) server, then samples.
        await using var healthy = new ScriptedEngineServer(Vllm(eos));
        (exit, error) = await Grpo("--model", model, "--data", data, "--output", output, "--steps", "3", "--resume",
            "--set", "num_generations=2", "--set", "prompts_per_step=2", "--set", "max_completion_length=4", "--set", "save_steps=1",
            "--set", "rollout_backend=vllm", "--rollout-endpoints", healthy.BaseUri.ToString());
        Assert.True(exit == 0, error);
        Assert.Equal(["/pause", "/collective_rpc", "/reset_prefix_cache", "/resume", "/v1/completions"], healthy.Calls.Take(5).Select(c => c.Path));
        Assert.True(Directory.Exists(Path.Combine(output, "checkpoints", "checkpoint-3")));
    }
}
