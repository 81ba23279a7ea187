using R1Sharp.Training.Configuration;
using System.IO.Compression;
using System.Text.Json;
using R1Sharp.Training.Metrics;
using R1Sharp.Training.Zero;

namespace R1Sharp.Tests.Training;

/// <summary>The plumbing of r1 zero on a very short run (results are not asserted: too few steps to mean anything).</summary>
public sealed class ZeroPipelineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-zero").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task WritesSummaryReportAndContinuesAfterResume()
    {
        var quick = ZeroOptions.Quick(_dir);
        var options = quick with
        {
            Model = new ZeroModelShape(Hidden: 32, Layers: 1, Heads: 2, KvHeads: 1, Intermediate: 64),
            Pretrain = new PretrainOptions(Steps: 3, BatchSize: 4),
            HeldOutPerFamily = 2,
            Grpo = quick.Grpo with { MaxSteps = 2, PromptsPerStep = 2, NumGenerations = 2, MaxCompletionLength = 12, EvalSteps = 1, SaveSteps = 1 },
        };
        var phases = new List<string>();
        await ZeroPipeline.RunAsync(options, resume: false, new SynchronousProgress<ZeroProgress>(p => phases.Add(p.Phase)), CancellationToken.None);
        Assert.Equal(new[] { "pretrain", "eval_before", "rl", "eval_after", "done" }, phases.Distinct());

        using (var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, ZeroPipeline.SummaryFileName))))
        {
            foreach (var field in new[] { "pass1_before", "pass1_after", "greedy_before", "greedy_after", "format_before", "format_after", "mean_length_before", "mean_length_after", "reflection_rate_before", "reflection_rate_after", "steps", "seconds" })
                Assert.True(summary.RootElement.TryGetProperty(field, out _), field);
            Assert.Equal(2, summary.RootElement.GetProperty("steps").GetInt32());
            var tasks = summary.RootElement.GetProperty("tasks");
            Assert.True(tasks.GetProperty("countdown").TryGetProperty("pass1_before", out _));
            Assert.True(tasks.GetProperty("arithmetic").TryGetProperty("pass1_after", out _));
            var baselines = summary.RootElement.GetProperty("baselines");
            foreach (var (family, name) in new[] { ("countdown", "sum_of_numbers"), ("countdown", "base_pass2"), ("arithmetic", "most_frequent_answer"), ("arithmetic", "base_pass2") })
                Assert.InRange(baselines.GetProperty(family).GetProperty(name).GetDouble(), 0, 1);
            Assert.Equal(2, summary.RootElement.GetProperty("eval_samples").GetInt32());
        }
        AssertRunData(options, promptsDrawn: 4);
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(_dir, "report.html")));
        Assert.NotEmpty(Directory.GetFiles(_dir, "events.out.tfevents.*"));
        Assert.Equal(4, Directory.GetFiles(Path.Combine(_dir, R1Sharp.Training.Reports.ZeroReport.PlotsDirectory), "*.png").Length);

        // Resume with more steps: pre-training is not repeated and the metrics continue the same curve.
        phases.Clear();
        await ZeroPipeline.RunAsync(options with { Grpo = options.Grpo with { MaxSteps = 3 } }, resume: true,
            new SynchronousProgress<ZeroProgress>(p => phases.Add(p.Phase)), CancellationToken.None);
        Assert.DoesNotContain("pretrain", phases);
        var steps = MetricsLog.ReadJsonl(Path.Combine(_dir, MetricsLog.JsonlFileName)).Select(m => m.Step);
        Assert.Equal(new long[] { 1, 2, 3 }, steps);
        AssertRunData(options, promptsDrawn: 6);

        // Resume with another held-out size, k or seed would compare figures of two different evaluations: refused by name.
        foreach (var (changed, name) in new (ZeroOptions, string)[]
        {
            (options with { HeldOutPerFamily = 3 }, "held_out_per_family"),
            (options with { EvalSamples = 4 }, "eval_samples"),
            (options with { EvalTemperature = 1.0 }, "eval_temperature"),
        })
        {
            var error = await Assert.ThrowsAsync<ConfigurationException>(() =>
                ZeroPipeline.RunAsync(changed with { Grpo = options.Grpo with { MaxSteps = 3 } }, resume: true, null, CancellationToken.None));
            Assert.Contains($"{name} was ", error.Message);
        }
        // The refused resumes left the stored settings as they were.
        Assert.Equal(options.HeldOutPerFamily, (await ZeroOptionsFile.LoadAsync(_dir, CancellationToken.None))!.HeldOutPerFamily);
    }

    // DIR/data: the held-out split, every RL prompt drawn and every pre-training document, read back with nothing but
    // a JSON parser, and no held-out problem (numbers in any order) in either training stream.
    private void AssertRunData(ZeroOptions options, int promptsDrawn)
    {
        static List<JsonElement> Lines(string path)
        {
            using var file = File.OpenRead(path);
            using var text = path.EndsWith(".gz", StringComparison.Ordinal)
                ? new StreamReader(new GZipStream(file, CompressionMode.Decompress)) : new StreamReader(file);
            var lines = new List<JsonElement>();
            while (text.ReadLine() is { } line) lines.Add(JsonDocument.Parse(line).RootElement.Clone());
            return lines;
        }
        static string Key(JsonElement line) => line.GetProperty("family").GetString() == "countdown"
            ? $"countdown {string.Join(",", line.GetProperty("numbers").EnumerateArray().Select(n => n.GetInt32()).Order())} {line.GetProperty("target").GetInt64()}"
            : $"{line.GetProperty("family").GetString()} {line.GetProperty("expression").GetString()}";
        string data = Path.Combine(_dir, ZeroRunData.DirectoryName);
        var heldOut = Lines(Path.Combine(data, ZeroRunData.HeldOutFileName));
        var prompts = Lines(Path.Combine(data, ZeroRunData.RlPromptsFileName));
        var documents = Lines(Path.Combine(data, ZeroRunData.PretrainFileName));
        Assert.Equal(2 * options.HeldOutPerFamily, heldOut.Count);
        Assert.Equal(promptsDrawn, prompts.Count);
        Assert.Equal(options.Pretrain.Steps * options.Pretrain.BatchSize, documents.Count);
        var suite = options.CreateSuite();
        Assert.Equal(suite.HeldOut.Select(p => p.Question), heldOut.Select(l => l.GetProperty("question").GetString()));
        Assert.Equal(Enumerable.Range(0, promptsDrawn).Select(i => new TaskPromptSource(suite).Get(i).Row["question"].GetString()),
            prompts.Select(l => l.GetProperty("question").GetString()));
        for (int i = 0; i < documents.Count; i++)
        {
            var (prompt, completion) = R1Sharp.Tasks.SyntheticCorpus.Document(suite, i, options.Noise);
            Assert.Equal(prompt + completion, documents[i].GetProperty("text").GetString());
            Assert.Contains(documents[i].GetProperty("question").GetString()!, prompt, StringComparison.Ordinal);
        }
        var arithmetic = heldOut.First(l => l.GetProperty("family").GetString() == "arithmetic");
        Assert.Equal(JsonValueKind.Number, arithmetic.GetProperty("answer").ValueKind);
        var heldOutKeys = heldOut.Select(Key).ToHashSet();
        Assert.Equal(heldOut.Count, heldOutKeys.Count);
        Assert.DoesNotContain(prompts.Concat(documents).Select(Key), heldOutKeys.Contains);
    }
}
