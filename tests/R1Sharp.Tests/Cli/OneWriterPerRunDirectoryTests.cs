using System.Text.Json;
using System.Text.RegularExpressions;
using R1Sharp.Checkpoints;
using R1Sharp.IO;
using R1Sharp.Tests.Checkpoints;
using R1Sharp.Tests.Evaluation;
using R1Sharp.Tests.Training;
using R1Sharp.Training.Metrics;
using TorchSharp;

namespace R1Sharp.Tests.Cli;

/// <summary>
/// Issue 22 with real processes: a second `r1` started on the folder a first one is writing exits 2 at once with one
/// line naming the folder and the holder, and the first run finishes with its files intact; a holder killed with
/// SIGKILL leaves nothing that blocks the next run. The first run is held mid-way by a fake server that answers only
/// when the test opens its gate, so no step depends on how fast anything runs.
/// </summary>
public sealed class OneWriterPerRunDirectoryTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ManualResetEventSlim _gate = new(false);

    public void Dispose()
    {
        _gate.Set();
        _gate.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task ASecondEvalOnTheSameFolderIsRefusedAndTheFirstFinishesIntact()
    {
        await using var server = GatedChatServer();
        string output = _dir.Combine("eval");
        string[] args = EvalArguments(server, output);

        using var first = CliProcess.Start(args);
        await first.WaitUntilItHoldsAsync(Path.Combine(output, RunDirectoryLock.LockFileName));
        using var second = CliProcess.Start(args);
        Assert.Equal(2, await second.WaitForExitAsync());
        AssertRefusal("eval", output, first.Id, second.Stderr);

        _gate.Set();
        Assert.True(await first.WaitForExitAsync() == 0, first.Stderr);
        AssertCompleteSamples(output, questions: 3, k: 2);
        Assert.Equal(3, server.Seen.Count);
        Assert.False(File.Exists(Path.Combine(output, RunDirectoryLock.LockFileName + RunDirectoryLock.HolderSuffix)));
    }

    [Fact]
    public async Task AnEvalKilledWithSigkillDoesNotBlockTheNextRun()
    {
        await using var server = GatedChatServer();
        string output = _dir.Combine("eval");
        string[] args = EvalArguments(server, output);
        string holderFile = Path.Combine(output, RunDirectoryLock.LockFileName + RunDirectoryLock.HolderSuffix);

        int killedId;
        using (var killed = CliProcess.Start(args))
        {
            await killed.WaitUntilItHoldsAsync(Path.Combine(output, RunDirectoryLock.LockFileName));
            killedId = killed.Id;
            Assert.NotEqual(0, await killed.KillHardAsync());
        }
        // Killed without cleaning up: its holder file is still there, yet the OS dropped the lock with the process.
        Assert.Equal(killedId, RunLockHolder.TryRead(holderFile)?.ProcessId);

        _gate.Set();
        using var next = CliProcess.Start(args);
        Assert.True(await next.WaitForExitAsync() == 0, next.Stderr);
        AssertCompleteSamples(output, questions: 3, k: 2);
        Assert.False(File.Exists(holderFile));
    }

    [Fact]
    public async Task ASecondGrpoOnTheSameFolderIsRefusedAndTheFirstFinishesIntact()
    {
        string model = GrpoCommandTests.WriteTinyQwen(_dir.Combine("model"));
        string data = _dir.Combine("rows.jsonl");
        File.WriteAllLines(data, ["{\"problem\": \"What is 1+1?\", \"answer\": \"2\"}", "{\"problem\": \"What is 2+3?\", \"answer\": \"5\"}"]);
        string output = _dir.Combine("grpo");
        // Rollouts come from the gated server, so the first trainer waits on its first batch until the test lets it go.
        await using var server = new FakeChatCompletionsServer((body, number) =>
        {
            if (body.TryGetProperty("path", out var _)) return new(200, "{\"status\":\"reloaded\"}");
            _gate.Wait();
            return new(200, JsonSerializer.Serialize(new { choices = new[] { new { index = 0, text = "<think>add</think> <answer>2</answer>", finish_reason = "stop" } } }));
        });
        string[] args = ["grpo", "--model", model, "--data", data, "--output", output, "--steps", "2", "--set", "num_generations=2",
            "--set", "prompts_per_step=2", "--set", "max_completion_length=8", "--set", "save_steps=1",
            "--rollout-endpoints", new Uri(server.BaseUri, "/").ToString()];

        using var first = CliProcess.Start(args);
        await first.WaitUntilItHoldsAsync(Path.Combine(output, RunDirectoryLock.LockFileName));
        using var second = CliProcess.Start(args);
        Assert.Equal(2, await second.WaitForExitAsync());
        AssertRefusal("grpo", output, first.Id, second.Stderr);

        _gate.Set();
        Assert.True(await first.WaitForExitAsync() == 0, first.Stderr);
        Assert.Equal(new long[] { 1, 2 }, MetricsLog.ReadJsonl(Path.Combine(output, MetricsLog.JsonlFileName)).Select(m => m.Step));
        var (reloaded, _) = HuggingFaceCheckpoint.Load(Path.Combine(output, "checkpoints", "checkpoint-2"), torch.CPU);
        reloaded.Dispose();
        // The rollout-weights folder was the first trainer's alone too, and is free again.
        using var weights = RunDirectoryLock.Acquire(Path.Combine(output, "rollout-weights"));
    }

    private static void AssertRefusal(string command, string folder, int holderId, string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, stderr);
        Assert.Matches(
            $@"^r1 {command}: {Regex.Escape(folder)} is in use by another r1 process \(pid {holderId} on {Regex.Escape(Environment.MachineName)}, " +
            @"started \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\); wait for it to finish or choose another --output folder$",
            lines[0]);
    }

    private FakeChatCompletionsServer GatedChatServer() => new((body, _) =>
    {
        _gate.Wait();
        int sum = ArithmeticBenchmark.SumIn(body.GetProperty("messages")[0].GetProperty("content").GetString()!);
        int n = body.GetProperty("n").GetInt32();
        var choices = Enumerable.Range(0, n)
            .Select(i => (object)new { index = i, message = new { role = "assistant", content = $"\\boxed{{{sum}}}" }, finish_reason = "stop" }).ToArray();
        return new(200, FakeChatCompletionsServer.Choices(10, 5 * n, choices));
    });

    private string[] EvalArguments(FakeChatCompletionsServer server, string output)
    {
        var benchmark = ArithmeticBenchmark.Write(_dir.Path, "sums", 3, 2);
        return ["eval", "-b", $"sums={benchmark.DataPath}", "--question-field", "problem", "--answer-field", "answer", "--id-field", "id",
            "-k", "2", "--endpoint", server.BaseUri.ToString(), "--model", "m", "--output", output];
    }

    // Every (question, sample) exactly once, each line whole JSON: nothing interleaved or duplicated.
    private static void AssertCompleteSamples(string output, int questions, int k)
    {
        var lines = File.ReadAllLines(Path.Combine(output, "sums", "samples.jsonl"));
        var keys = lines.Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            return (document.RootElement.GetProperty("question_id").GetString(), document.RootElement.GetProperty("sample_index").GetInt32());
        }).ToList();
        Assert.Equal(questions * k, keys.Count);
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }
}
