using System.CommandLine;
using R1Sharp.Checkpoints;
using R1Sharp.Cli.Commands;
using R1Sharp.Evaluation.Results;
using R1Sharp.Models;
using R1Sharp.Tests.Models;
using R1Sharp.Tests.Text.Tokenization;
using TorchSharp;

namespace R1Sharp.Tests.Evaluation;

/// <summary>`r1 eval --checkpoint`: a random-weight Qwen2-shaped checkpoint with the real Qwen2.5 tokenizer and chat template.</summary>
public sealed class EvalCheckpointCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-evalckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A one-layer Qwen2 checkpoint with random weights (seed 3) and the Qwen tokenizer files, in <paramref name="checkpoint"/>.</summary>
    internal static string WriteTinyCheckpoint(string checkpoint)
    {
        Directory.CreateDirectory(checkpoint);
        foreach (string file in Directory.GetFiles(TokenizerFixtureFiles.QwenJson))
            File.Copy(file, Path.Combine(checkpoint, Path.GetFileName(file)));
        var config = ModelConfig.Load(TestModels.ConfigPath(TestModels.Qwen)).Scaled(layers: 1, hidden: 32, heads: 2, kvHeads: 1, intermediate: 64);
        using (var model = CausalLanguageModel.Create(config, torch.CPU, torch.ScalarType.Float32, seed: 3))
            HuggingFaceCheckpoint.Save(model, config, checkpoint);
        return checkpoint;
    }

    [Fact]
    public void EvaluatesACheckpointDirectoryInProcess()
    {
        string checkpoint = EvalCheckpointCommandTests.WriteTinyCheckpoint(Path.Combine(_dir, "model"));
        var benchmark = ArithmeticBenchmark.Write(_dir, "sums", 2, 2);
        string output = Path.Combine(_dir, "out");

        var root = new RootCommand();
        root.Subcommands.Add(EvalCommand.Create());
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = root.Parse(["eval", "-b", $"sums={benchmark.DataPath}", "--question-field", "problem", "--answer-field", "answer", "--id-field", "id",
            "-k", "2", "--checkpoint", checkpoint, "--max-tokens", "6", "--seed", "1", "-o", output]).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });

        Assert.True(exit == 0, stderr.ToString() + stdout);
        var lines = File.ReadAllLines(EvaluationRunnerSamples(output));
        Assert.Equal(4, lines.Length);
        var summary = SummaryWriter.FromJson(File.ReadAllText(Path.Combine(output, SummaryWriter.JsonFileName)))!;
        Assert.Equal(Path.GetFullPath(checkpoint), summary.Backend);
        Assert.InRange(summary.Overall.MaxResponseTokens!.Value, 1, 6);
        Assert.Equal(0, summary.Overall.FailedSamples);
    }

    [Fact]
    public void AMissingCheckpointIsAClearError()
    {
        var benchmark = ArithmeticBenchmark.Write(_dir, "sums", 1, 1);
        var root = new RootCommand();
        root.Subcommands.Add(EvalCommand.Create());
        var stderr = new StringWriter();
        int exit = root.Parse(["eval", "-b", $"sums={benchmark.DataPath}", "--question-field", "problem", "--answer-field", "answer",
            "--checkpoint", Path.Combine(_dir, "nowhere"), "-o", Path.Combine(_dir, "out")]).Invoke(new InvocationConfiguration { Output = new StringWriter(), Error = stderr });
        Assert.Equal(2, exit);
        Assert.Contains("nowhere", stderr.ToString());
    }

    private static string EvaluationRunnerSamples(string output) => R1Sharp.Evaluation.EvaluationRunner.SamplesPath(output, "sums");
}
