using System.CommandLine;
using R1Sharp.Checkpoints;
using R1Sharp.Cli;
using R1Sharp.Distillation;
using R1Sharp.Models;
using R1Sharp.Tasks;
using R1Sharp.Tests.Models;
using R1Sharp.Tests.Text.Tokenization;
using R1Sharp.Training.Zero;
using TorchSharp;

namespace R1Sharp.Tests.Distillation;

/// <summary>`r1 sample --teacher-dir`: a random-weight checkpoint run in-process as the teacher, and the choice between it and --endpoint.</summary>
public sealed class SampleCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-sample-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task AnInProcessTeacherWritesNScoredResponsesPerPromptAndResumes()
    {
        string teacher = QwenCheckpoint();
        string prompts = Prompts(3);
        string output = Path.Combine(_dir, "samples.jsonl");

        var (exit, stdout, stderr) = await SampleAsync(["--teacher-dir", teacher, "--prompts", prompts, "--output", output,
            "--samples", "2", "--max-tokens", "6", "--seed", "7", "--reward", "accuracy,format"]);

        Assert.True(exit == 0, stderr + stdout);
        Assert.Contains(Path.GetFullPath(teacher), stdout);
        var samples = await SampledResponseFile.ReadAsync(output);
        Assert.Equal(6, samples.Count);
        Assert.Equal(["q1", "q2", "q3"], samples.Select(s => s.PromptId).Distinct().Order(StringComparer.Ordinal));
        Assert.All(samples.GroupBy(s => s.PromptId), prompt => Assert.Equal([0, 1], prompt.Select(s => s.SampleIndex).Order()));
        Assert.All(samples, s =>
        {
            Assert.Contains("accuracy", s.Rewards.Keys);
            Assert.Contains("format", s.Rewards.Keys);
            Assert.InRange(s.CompletionTokens!.Value, 1, 6);
            Assert.True(s.FinishReason == SampledResponse.StopFinish || (s.FinishReason == SampledResponse.LengthFinish && s.CompletionTokens == 6), s.FinishReason);
        });

        // A rerun into the same file finds every prompt done and leaves the file as it was, as with an endpoint.
        string before = await File.ReadAllTextAsync(output);
        (exit, stdout, stderr) = await SampleAsync(["--teacher-dir", teacher, "--prompts", prompts, "--output", output,
            "--samples", "2", "--max-tokens", "6", "--seed", "7", "--reward", "accuracy,format"]);
        Assert.True(exit == 0, stderr + stdout);
        Assert.Contains("0 prompts sampled, 3 done earlier", stdout);
        Assert.Equal(before, await File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task TheSameSeedGivesTheSameResponsesAndAnotherSeedOthers()
    {
        string teacher = QwenCheckpoint();
        string prompts = Prompts(3);

        async Task<Dictionary<(string, int), string>> RunAsync(string name, long seed)
        {
            string output = Path.Combine(_dir, name);
            var (exit, stdout, stderr) = await SampleAsync(["--teacher-dir", teacher, "--prompts", prompts, "--output", output,
                "--samples", "2", "--max-tokens", "6", "--temperature", "1.0", "--top-p", "1.0", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            Assert.True(exit == 0, stderr + stdout);
            // Keyed, not in file order: prompts finish in any order when several are in flight.
            return (await SampledResponseFile.ReadAsync(output)).ToDictionary(s => (s.PromptId, s.SampleIndex), s => s.Response);
        }

        var first = await RunAsync("first.jsonl", 11);
        var again = await RunAsync("again.jsonl", 11);
        var other = await RunAsync("other.jsonl", 12);

        Assert.Equal(6, first.Count);
        Assert.Equal(first.OrderBy(p => p.Key), again.OrderBy(p => p.Key));
        Assert.NotEqual(first.OrderBy(p => p.Key), other.OrderBy(p => p.Key));
    }

    [Fact]
    public async Task AnR1ZeroCheckpointIsATeacherWithItsTaskTokenizer()
    {
        string teacher = Path.Combine(_dir, "zero");
        var tokenizer = new TaskTokenizer();
        using (var model = CausalLanguageModel.Create(BuiltInModel.Config(new ZeroModelShape(Hidden: 32, Layers: 1, Heads: 2, KvHeads: 1, Intermediate: 64), tokenizer),
            torch.CPU, torch.ScalarType.Float32, seed: 5))
            await BuiltInModel.Checkpoint(model, tokenizer).SaveAsync(teacher, CancellationToken.None);
        Assert.True(ModelDirectoryTokenizer.IsBuiltIn(teacher));
        string output = Path.Combine(_dir, "samples.jsonl");

        var (exit, stdout, stderr) = await SampleAsync(["--teacher-dir", teacher, "--prompts", Prompts(2), "--output", output,
            "--samples", "3", "--max-tokens", "8", "--seed", "1", "--device", "cpu"]);

        Assert.True(exit == 0, stderr + stdout);
        var samples = await SampledResponseFile.ReadAsync(output);
        Assert.Equal(6, samples.Count);
        Assert.All(samples, s => Assert.InRange(s.CompletionTokens!.Value, 1, 8));
    }

    [Theory]
    [InlineData(new string[0], "no teacher", "--endpoint", "--teacher-dir")]
    [InlineData(new[] { "--endpoint", "http://localhost:8000/v1", "--model", "m", "--teacher-dir", "DIR" }, "not both", "--endpoint", "--teacher-dir")]
    [InlineData(new[] { "--endpoint", "http://localhost:8000/v1" }, "--model is required with --endpoint")]
    [InlineData(new[] { "--teacher-dir", "DIR", "--model", "m" }, "--model does not apply with --teacher-dir", "--endpoint")]
    [InlineData(new[] { "--endpoint", "http://localhost:8000/v1", "--model", "m", "--device", "cuda" }, "--device does not apply with --endpoint", "--teacher-dir")]
    public async Task TheTeacherMustBeExactlyOneOfEndpointAndTeacherDir(string[] teacherArguments, params string[] expected)
    {
        string output = Path.Combine(_dir, "samples.jsonl");
        string[] arguments = [.. teacherArguments.Select(a => a == "DIR" ? _dir : a), "--prompts", Prompts(1), "--output", output];

        var (exit, _, stderr) = await SampleAsync(arguments);

        Assert.Equal(2, exit); // usage error (README, "Exit codes")
        Assert.All(expected, text => Assert.Contains(text, stderr));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task AMissingTeacherDirectoryIsNamed()
    {
        string missing = Path.Combine(_dir, "no-such-model");
        var (exit, _, stderr) = await SampleAsync(["--teacher-dir", missing, "--prompts", Prompts(1), "--output", Path.Combine(_dir, "samples.jsonl")]);
        Assert.Equal(2, exit); // usage error (README, "Exit codes")
        Assert.Contains(missing, stderr);
    }

    /// <summary>A 1-layer, width-32 Qwen2-shaped model with random weights and the real Qwen2.5 tokenizer and chat template.</summary>
    private string QwenCheckpoint()
    {
        string checkpoint = Path.Combine(_dir, "teacher");
        Directory.CreateDirectory(checkpoint);
        foreach (string file in Directory.GetFiles(TokenizerFixtureFiles.QwenJson))
            File.Copy(file, Path.Combine(checkpoint, Path.GetFileName(file)));
        var config = ModelConfig.Load(TestModels.ConfigPath(TestModels.Qwen)).Scaled(layers: 1, hidden: 32, heads: 2, kvHeads: 1, intermediate: 64);
        using var model = CausalLanguageModel.Create(config, torch.CPU, torch.ScalarType.Float32, seed: 3);
        HuggingFaceCheckpoint.Save(model, config, checkpoint);
        return checkpoint;
    }

    private string Prompts(int count)
    {
        string path = Path.Combine(_dir, "prompts.jsonl");
        File.WriteAllLines(path, Enumerable.Range(1, count).Select(i => $$"""{"id":"q{{i}}","problem":"{{i}}+{{i * 2}}","answer":"{{3 * i}}"}"""));
        return path;
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> SampleAsync(string[] arguments)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = await CliApp.BuildRoot().Parse(["sample", .. arguments])
            .InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
