using System.Text.Json;
using R1Sharp.Generation;
using R1Sharp.Training.Rollouts;

namespace R1Sharp.Tests.Training.Rollouts;

/// <summary>Each engine's weight-sync protocol and completion shape against a scripted server (neither vLLM nor SGLang runs here).</summary>
public sealed class RemoteRolloutSyncTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-sync-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly ToyGrpo.LetterTokenizer Tokenizer = new();

    private static RolloutSettings Settings() => new(4, 1.0, 1.0, Tokenizer.EosIds, 7, Tokenizer.PadId, SampleableIds.Of(Tokenizer));

    // Answers as vLLM or SGLang do; a completion is "ab" + EOS with log-probs −0.5, −0.25, −0.125.
    private static ScriptedEngineServer.Reply Engine(string path, string body) => path switch
    {
        "/v1/completions" => new(200, ScriptedEngineServer.VllmCompletion([2, 3, 1], [-0.5f, -0.25f, -0.125f], "stop", withTokenIds: false)),
        "/pause" => new(200, """{"status":"paused"}"""),
        "/resume" => new(200, """{"status":"resumed"}"""),
        "/collective_rpc" => new(200, """{"results":[null]}"""),
        "/reset_prefix_cache" => new(200, ""),
        "/v1/load_lora_adapter" => new(200, "Success: LoRA adapter 'r1sharp-policy' added successfully."),
        "/update_weights_from_disk" => new(200, """{"success":true,"message":"Succeeded to update model weights.","num_paused_requests":0}"""),
        _ => new(200, "{}"),
    };

    private RemoteRolloutEngine EngineFor(ScriptedEngineServer server, RemoteRolloutOptions options) =>
        new(options with { Endpoints = [server.BaseUri], WeightsDirectory = Path.Combine(_dir, "w"), MaxAttempts = 1 }, Tokenizer,
            (dir, ct) => File.WriteAllTextAsync(Path.Combine(dir, "model.safetensors"), "weights", ct));

    [Fact]
    public async Task VllmFullSyncPausesReloadsResetsAndResumesWithTheWrittenFolder()
    {
        await using var server = new ScriptedEngineServer(Engine);
        using var engine = EngineFor(server, new RemoteRolloutOptions { Backend = RolloutBackend.Vllm });
        await engine.OnPolicyUpdatedAsync(3, CancellationToken.None);
        Assert.Equal(["/pause", "/collective_rpc", "/reset_prefix_cache", "/resume"], server.ControlPaths);
        var rpc = JsonDocument.Parse(server.Calls.Single(c => c.Path == "/collective_rpc").Body).RootElement;
        string folder = rpc.GetProperty("kwargs").GetProperty("weights_path").GetString()!;
        Assert.Equal("weights", File.ReadAllText(Path.Combine(folder, "model.safetensors")));
        Assert.True(rpc.GetProperty("kwargs").GetProperty("is_checkpoint_format").GetBoolean());
    }

    [Fact]
    public async Task VllmSamplingAsksForLogProbsAndTokenIdsAndReadsThem()
    {
        await using var server = new ScriptedEngineServer(Engine);
        using var engine = EngineFor(server, new RemoteRolloutOptions { Backend = RolloutBackend.Vllm });
        var rollout = (await engine.GenerateAsync([[5, 6]], Settings(), CancellationToken.None)).Single();
        Assert.Equal([2, 3, 1], rollout.Tokens);
        Assert.Equal([-0.5f, -0.25f, -0.125f], rollout.LogProbs!);
        var request = JsonDocument.Parse(server.Calls.Single().Body).RootElement;
        Assert.Equal(1, request.GetProperty("logprobs").GetInt32());
        Assert.True(request.GetProperty("return_tokens_as_token_ids").GetBoolean());
        Assert.Equal([5, 6], request.GetProperty("prompt").EnumerateArray().Select(e => e.GetInt32()));
        Assert.True(engine.SamplesElsewhere);
    }

    [Fact]
    public async Task VllmLoraLoadsTheAdapterAtTheFreshStartBeforeTheFirstSampleAndSamplesUnderItsName()
    {
        await using var server = new ScriptedEngineServer(Engine);
        using var engine = EngineFor(server, new RemoteRolloutOptions { Backend = RolloutBackend.Vllm, AdapterOnly = true, AdapterName = "pol" });
        // The load is an explicit step (rank 0 does it before any rank samples): sampling before it is refused, not done lazily.
        var early = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.GenerateAsync([[5]], Settings(), CancellationToken.None));
        Assert.Contains("OnFreshStartAsync", early.Message);
        Assert.Empty(server.Calls);
        await engine.OnFreshStartAsync(CancellationToken.None);
        await engine.GenerateAsync([[5]], Settings(), CancellationToken.None);
        await engine.OnPolicyUpdatedAsync(1, CancellationToken.None);
        Assert.Equal(["/v1/load_lora_adapter", "/v1/completions", "/v1/load_lora_adapter"], server.Calls.Select(c => c.Path));
        var load = JsonDocument.Parse(server.Calls.First().Body).RootElement;
        Assert.Equal("pol", load.GetProperty("lora_name").GetString());
        Assert.True(load.GetProperty("load_inplace").GetBoolean());
        Assert.Equal("pol", JsonDocument.Parse(server.Calls.ElementAt(1).Body).RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task SglangLoadsFromDiskAndItsTextOnlyCompletionsAreRetokenized()
    {
        await using var server = new ScriptedEngineServer((path, body) => path == "/v1/completions"
            ? new(200, ScriptedEngineServer.SglangCompletion("ab", ["a", "b", "<eos>"], [-0.5f, -0.25f, -0.125f], "stop"))
            : Engine(path, body));
        using var engine = EngineFor(server, new RemoteRolloutOptions { Backend = RolloutBackend.Sglang, PauseGeneration = true });
        await engine.OnPolicyUpdatedAsync(2, CancellationToken.None);
        Assert.Equal(["/pause_generation", "/update_weights_from_disk", "/continue_generation"], server.ControlPaths);
        var load = JsonDocument.Parse(server.Calls.ElementAt(1).Body).RootElement;
        Assert.True(load.GetProperty("flush_cache").GetBoolean());
        var rollout = (await engine.GenerateAsync([[5]], Settings(), CancellationToken.None)).Single();
        Assert.Equal([2, 3, 1], rollout.Tokens); // "ab" re-tokenized, EOS appended (finish_reason stop)
        Assert.Equal([-0.5f, -0.25f, -0.125f], rollout.LogProbs!);
        Assert.False(JsonDocument.Parse(server.Calls.Last().Body).RootElement.TryGetProperty("return_tokens_as_token_ids", out _));
    }

    [Fact]
    public async Task SyncStepsSkipsTheStepsBetween()
    {
        await using var server = new ScriptedEngineServer(Engine);
        using var engine = EngineFor(server, new RemoteRolloutOptions { Backend = RolloutBackend.Sglang, SyncSteps = 2 });
        for (int step = 1; step <= 4; step++) await engine.OnPolicyUpdatedAsync(step, CancellationToken.None);
        Assert.Equal(["/update_weights_from_disk", "/update_weights_from_disk"], server.ControlPaths);
    }

    [Fact]
    public async Task AVllmServerThatRefusesTheReloadStopsTheSyncPausedAndNothingIsSampledAfter()
    {
        await using var server = new ScriptedEngineServer((path, body) => path == "/collective_rpc"
            ? new(500, """{"error":"CUDA out of memory"}""")
            : Engine(path, body));
        using var engine = EngineFor(server, new RemoteRolloutOptions { Backend = RolloutBackend.Vllm });
        var error = await Assert.ThrowsAsync<RolloutSyncException>(() => engine.OnPolicyUpdatedAsync(3, CancellationToken.None));
        Assert.Contains("step 3", error.Message);
        Assert.Contains(server.BaseUri.ToString(), error.Message);
        Assert.Contains("/collective_rpc", error.Message);
        Assert.Contains("500", error.Message);
        Assert.Contains("CUDA out of memory", error.Message);
        Assert.Equal(["/pause", "/collective_rpc"], server.ControlPaths); // never resumed on half-loaded weights
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.GenerateAsync([[5]], Settings(), CancellationToken.None));
        Assert.Contains("step 3", refused.Message);
        Assert.DoesNotContain(server.Calls, c => c.Path == "/v1/completions");
    }

    [Fact]
    public async Task AnSglangServerThatAnswersSuccessFalseIsARefusal()
    {
        await using var server = new ScriptedEngineServer((path, body) => path == "/update_weights_from_disk"
            ? new(400, """{"success":false,"message":"Failed to get weights iterator: no safetensors","num_paused_requests":0}""")
            : Engine(path, body));
        using var engine = EngineFor(server, new RemoteRolloutOptions { Backend = RolloutBackend.Sglang });
        var error = await Assert.ThrowsAsync<RolloutSyncException>(() => engine.OnPolicyUpdatedAsync(5, CancellationToken.None));
        Assert.Contains("step 5", error.Message);
        Assert.Contains("400", error.Message);
        Assert.Contains("no safetensors", error.Message);
    }

    [Fact]
    public async Task AServerThatDoesNotAnswerInTimeIsNamedWithTheStep()
    {
        await using var server = new ScriptedEngineServer((path, body) => path == "/v1/load_lora_adapter"
            ? new(200, "ok", TimeSpan.FromSeconds(30))
            : Engine(path, body));
        using var engine = EngineFor(server, new RemoteRolloutOptions { Backend = RolloutBackend.Vllm, AdapterOnly = true, SyncTimeout = TimeSpan.FromMilliseconds(200) });
        var error = await Assert.ThrowsAsync<RolloutSyncException>(() => engine.OnPolicyUpdatedAsync(4, CancellationToken.None));
        Assert.Contains("step 4", error.Message);
        Assert.Contains("did not answer within 0.2 s", error.Message);
        Assert.Contains(server.BaseUri.ToString(), error.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => engine.GenerateAsync([[5]], Settings(), CancellationToken.None));
    }

    [Fact]
    public async Task ResumingReloadsTheServersWhateverTheStep()
    {
        await using var server = new ScriptedEngineServer(Engine);
        using var engine = EngineFor(server, new RemoteRolloutOptions { Backend = RolloutBackend.Sglang, SyncSteps = 10 });
        await engine.OnResumedAsync(7, CancellationToken.None);
        Assert.Equal(["/update_weights_from_disk"], server.ControlPaths);
    }
}
