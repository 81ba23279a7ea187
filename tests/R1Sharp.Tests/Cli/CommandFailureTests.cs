using System.CommandLine;
using System.Text.Json;
using R1Sharp.Checkpoints;
using R1Sharp.Cli;
using R1Sharp.Cli.Errors;
using R1Sharp.Data;
using R1Sharp.Models;
using R1Sharp.Testing;
using R1Sharp.Training.Configuration;
using R1Sharp.Tests.Training;
using TorchSharp;

namespace R1Sharp.Tests.Cli;

/// <summary>
/// Every command ends an error the same way: one line on stderr naming what to fix, and the documented exit code
/// (README, "Exit codes"). The `r1 grpo` cases are the ones that used to escape as stack traces.
/// </summary>
public sealed class CommandFailureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-cli-errors").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void UserErrorsExitWithTwoAndDefectsWithOne()
    {
        Assert.Equal(ExitCodes.Usage, CommandFailure.ExitCodeOf(new ConfigurationException("x")));
        Assert.Equal(ExitCodes.Usage, CommandFailure.ExitCodeOf(new InvalidDataException("x")));
        Assert.Equal(ExitCodes.Usage, CommandFailure.ExitCodeOf(new DatasetFormatException("data.jsonl", 3, "x")));
        Assert.Equal(ExitCodes.Usage, CommandFailure.ExitCodeOf(new FileNotFoundException("x")));
        Assert.Equal(ExitCodes.Usage, CommandFailure.ExitCodeOf(new JsonException("x")));
        Assert.Equal(ExitCodes.Usage, CommandFailure.ExitCodeOf(new AggregateException(new ConfigurationException("x"))));
        Assert.Equal(ExitCodes.Failure, CommandFailure.ExitCodeOf(new NullReferenceException()));
        Assert.Equal(ExitCodes.Failure, CommandFailure.ExitCodeOf(new InvalidOperationException("x")));
    }

    [Fact]
    public void TheReportIsOneLineWithoutAStackTrace()
    {
        Exception thrown;
        try { throw new InvalidDataException("data.jsonl:3: invalid JSON\nat column 4"); }
        catch (InvalidDataException e) { thrown = e; }
        var stderr = new StringWriter();
        int code = CommandFailure.Report("grpo", thrown, stderr);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("r1 grpo: data.jsonl:3: invalid JSON; at column 4" + Environment.NewLine, stderr.ToString());
        var listed = new StringWriter();
        CommandFailure.Report("grpo", new ConfigurationException("Invalid GRPO configuration (x):\n  beta: must be ≥ 0\n  top_p: must be in (0, 1]"), listed);
        Assert.Equal("r1 grpo: Invalid GRPO configuration (x): beta: must be ≥ 0; top_p: must be in (0, 1]" + Environment.NewLine, listed.ToString());
    }

    [Fact]
    public void ADefectSaysItIsOneAndCancellationIsNotATimeout()
    {
        var stderr = new StringWriter();
        Assert.Equal(ExitCodes.Failure, CommandFailure.Report("eval", new NullReferenceException("boom"), stderr));
        Assert.Contains("internal error (NullReferenceException): boom", stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Cancelled, CommandFailure.Report("eval", new OperationCanceledException(), new StringWriter(), cancelled: true));
        Assert.Equal(ExitCodes.Failure, CommandFailure.Report("eval", new TaskCanceledException("timeout"), new StringWriter(), cancelled: false));
    }

    public static TheoryData<string, string[], string> GrpoMistakes => new()
    {
        { "output-is-a-file", ["--output", "@file"], "@file" },
        { "empty-data", ["--data", "@empty"], "@empty" },
        { "bad-yaml", ["--config", "@yaml"], "@yaml" },
        { "cuda-on-cpu-build", ["--set", "device=cuda"], "device" },
        { "row-without-prompt", ["--data", "@badrow"], "line 3: no prompt field" },
    };

    [Theory]
    [MemberData(nameof(GrpoMistakes))]
    public void GrpoMistakesGetOneLineAndExitCodeTwo(string name, string[] change, string named)
    {
        string model = TinyQwen(), data = Path.Combine(_dir, "rows.jsonl"), output = Path.Combine(_dir, "run-" + name);
        File.WriteAllText(data, "{\"problem\": \"What is 1+1?\", \"answer\": \"2\"}\n");
        var files = new Dictionary<string, string>
        {
            ["@file"] = Path.Combine(_dir, "a-file"),
            ["@empty"] = Path.Combine(_dir, "empty.jsonl"),
            ["@yaml"] = Path.Combine(_dir, "bad.yaml"),
            ["@badrow"] = Path.Combine(_dir, "badrow.jsonl"),
        };
        File.WriteAllLines(files["@badrow"], ["{\"problem\": \"1+1?\", \"answer\": \"2\"}", "{\"problem\": \"2+2?\", \"answer\": \"4\"}", "{\"answer\": \"4\"}"]);
        File.WriteAllText(files["@file"], "not a folder");
        File.WriteAllText(files["@empty"], "");
        File.WriteAllText(files["@yaml"], "learning_rate: [1\n");
        var args = new Dictionary<string, string> { ["--model"] = model, ["--data"] = data, ["--output"] = output };
        var extra = new List<string>();
        for (int i = 0; i < change.Length; i += 2)
        {
            string value = files.GetValueOrDefault(change[i + 1], change[i + 1]);
            if (args.ContainsKey(change[i])) args[change[i]] = value;
            else extra.AddRange([change[i], value]);
        }
        var stderr = new StringWriter();
        int code = CliApp.BuildRoot()
            .Parse(["grpo", .. args.SelectMany(a => new[] { a.Key, a.Value }), .. extra, "--steps", "1", "--set", "num_generations=2", "--set", "max_completion_length=4"])
            .Invoke(new InvocationConfiguration { Output = new StringWriter(), Error = stderr });

        string message = stderr.ToString().TrimEnd();
        Assert.Equal(ExitCodes.Usage, code);
        Assert.DoesNotContain('\n', message);
        Assert.StartsWith("r1 grpo: ", message, StringComparison.Ordinal);
        Assert.Contains(named.StartsWith('@') ? Path.GetFileName(files[named]) : named, message, StringComparison.Ordinal);
        // Refused before training: nothing was written, not even an empty run folder.
        Assert.False(Directory.Exists(output), $"{output} was created");
    }

    private string TinyQwen()
    {
        string model = Path.Combine(_dir, "model");
        return Directory.Exists(model) ? model : GrpoCommandTests.WriteTinyQwen(model);
    }
}
