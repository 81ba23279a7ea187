using System.Text.Json.Nodes;
using R1Sharp.Checkpoints;
using R1Sharp.Tests.Cli;
using R1Sharp.Tests.Training;
using TorchSharp;

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
            AssertSameStep(a[i], b[i], i + 1); // loss, tokens, learning rate: everything but clock time
        }
        AssertSameWeights(Path.Combine(first, "final", "model.safetensors"), Path.Combine(second, "final", "model.safetensors"));
    }

    /// <summary>
    /// The same tensors, shapes and values up to float rounding. Not byte for byte: libtorch's CPU kernels (MKL gemm
    /// and the OpenMP reductions) may split a sum another way when the machine is busy, and one CI run saw a single
    /// weight one unit in the last place apart. A different data order or a missed step moves weights by far more.
    /// </summary>
    private static void AssertSameWeights(string first, string second)
    {
        using var scope = torch.NewDisposeScope();
        using var a = SafetensorsFile.Open(first);
        using var b = SafetensorsFile.Open(second);
        Assert.Equal(a.Entries.Keys.Order(StringComparer.Ordinal), b.Entries.Keys.Order(StringComparer.Ordinal));
        foreach (string name in a.Entries.Keys)
        {
            var x = a.Read(name, dtype: torch.float32);
            var y = b.Read(name, dtype: torch.float32);
            Assert.Equal(x.shape, y.shape);
            double gap = (x - y).abs().max().item<float>();
            Assert.True(gap <= 1e-6 + 1e-5 * x.abs().max().item<float>(), $"{name}: the two runs' weights differ by up to {gap}");
        }
    }

    /// <summary>Counts and settings exactly; losses and norms up to float rounding (see <see cref="AssertSameWeights"/>).</summary>
    private static void AssertSameStep(JsonObject a, JsonObject b, int step)
    {
        Assert.Equal(a.Select(p => p.Key).Order(StringComparer.Ordinal), b.Select(p => p.Key).Order(StringComparer.Ordinal));
        foreach (var (key, value) in a)
        {
            string x = value?.ToJsonString() ?? "null", y = b[key]?.ToJsonString() ?? "null";
            if (x == y) continue;
            var invariant = System.Globalization.CultureInfo.InvariantCulture;
            bool close = double.TryParse(x, invariant, out double u) && double.TryParse(y, invariant, out double v)
                && (u != Math.Floor(u) || v != Math.Floor(v)) // a count (tokens, rows) must match exactly
                && Math.Abs(u - v) <= 1e-6 * Math.Max(1, Math.Abs(u));
            Assert.True(close,
                $"metrics.jsonl step {step}, {key}: {x} in the first run, {y} in the second");
        }
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
