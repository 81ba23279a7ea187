using System.Text.Json.Nodes;
using R1Sharp.Tests.Cli;
using R1Sharp.Tests.Training;

namespace R1Sharp.Tests.Sft;

/// <summary>
/// The same `r1 sft` command in two separate processes gives the same run: data order, losses, token counts and
/// final weights. One process is not enough to show it: .NET randomises string and HashCode hashing per process,
/// so a shuffle seeded through them agrees with itself within a process and differs across processes (issue 21 #1).
/// </summary>
public sealed class SftReproducibilityTests : IDisposable
{
    private readonly string _dir = SftTestData.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task TwoProcessesWithOneSeedTrainTheSameRun()
    {
        string model = GrpoCommandTests.WriteTinyQwen(Path.Combine(_dir, "model"));
        string data = Path.Combine(_dir, "train.jsonl");
        var random = new Random(11);
        // Lengths differ from row to row, so another data order changes the tokens per step.
        await File.WriteAllLinesAsync(data, Enumerable.Range(0, 24).Select(i =>
        {
            int a = random.Next(100), b = random.Next(1000);
            string padding = new('x', random.Next(1, 30));
            return $$"""{"prompt": "{{a}}+{{b}}? {{padding}}", "completion": "{{a + b}}"}""";
        }));

        async Task<string> TrainAsync(string name)
        {
            string output = Path.Combine(_dir, name);
            using var run = CliProcess.Start("sft", "--model", model, "--data", data, "--output", output, "--max-steps", "3",
                "--logging-steps", "1", "--seed", "5", "--batch-size", "3", "--max-length", "64", "--validation-fraction", "0",
                "--layout", "bucketed");
            int exit = await run.WaitForExitAsync();
            Assert.True(exit == 0, $"r1 sft exited {exit}: {run.Stderr}");
            return output;
        }

        string first = await TrainAsync("first");
        string second = await TrainAsync("second");

        var a = Steps(first);
        var b = Steps(second);
        Assert.Equal(3, a.Count);
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.True(a[i].ContainsKey("loss"), $"metrics.jsonl step {i + 1} has no loss: {a[i].ToJsonString()}");
            Assert.Equal(a[i].ToJsonString(), b[i].ToJsonString()); // loss, tokens, learning rate: everything but clock time
        }
        string weights = Path.Combine("final", "model.safetensors");
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(first, weights)), await File.ReadAllBytesAsync(Path.Combine(second, weights)));
    }

    private static List<JsonObject> Steps(string run) =>
        [.. File.ReadAllLines(Path.Combine(run, "metrics.jsonl"))
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .Select(l => JsonNode.Parse(l)!.AsObject())
            .Where(o => o.ContainsKey("loss"))
            .Select(WithoutClockTime)];

    private static JsonObject WithoutClockTime(JsonObject line)
    {
        foreach (var key in line.Select(p => p.Key).Where(k => k.Contains("time", StringComparison.Ordinal) || k.Contains("second", StringComparison.Ordinal)).ToList())
            line.Remove(key);
        return line;
    }
}
