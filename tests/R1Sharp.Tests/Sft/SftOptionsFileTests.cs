using System.Text.Json.Nodes;
using R1Sharp.Cli;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.LanguageModeling;
using R1Sharp.Training.Sft;

namespace R1Sharp.Tests.Sft;

public sealed class SftOptionsFileTests
{
    private static readonly SftOptions Defaults = new() { OutputDirectory = "run" };

    private static string Write(string name, string text)
    {
        string path = Path.Combine(SftTestData.TempDirectory(), name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task TrlKeysOurAliasesFlagsAndOverridesApplyInOrder()
    {
        string file = Write("sft.yaml", "num_train_epochs: 3\nper_device_train_batch_size: 4\nlr_scheduler_type: linear\nlearning_rate: 1e-4\nlayout: bucketed\n");
        var flag = new OptionsSource(new JsonObject { ["batch_size"] = 6 }, "--batch-size");
        var options = await SftOptionsFile.LoadAsync(file, [flag], ["learning_rate=3e-5"], Defaults);

        Assert.Equal(3, options.Epochs);                  // from the file
        Assert.Equal(6, options.BatchSize);               // a flag wins over the file
        Assert.Equal(3e-5, options.LearningRate);         // --set wins over both
        Assert.Equal(LearningRateScheduleKind.Linear, options.Schedule);
        Assert.Equal(SequenceLayout.Bucketed, options.Layout);
        Assert.Equal("run", options.OutputDirectory);
        Assert.Equal(Defaults.WarmupRatio, options.WarmupRatio); // untouched keys keep their defaults
    }

    [Fact]
    public async Task EveryProblemIsListedUnderItsKeyWithWhereItCameFrom()
    {
        string file = Write("sft.json", """{"num_train_epochs": 0, "warmup_ratio": 1.5}""");
        var flag = new OptionsSource(new JsonObject { ["learning_rate"] = -1.0 }, "--learning-rate");
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => SftOptionsFile.LoadAsync(file, [flag], [], Defaults));

        Assert.Contains($"num_train_epochs: must be at least 1 (got 0) [from {file}]", error.Message);
        Assert.Contains($"warmup_ratio: must be in [0, 1) (got 1.5) [from {file}]", error.Message);
        Assert.Contains("learning_rate: must be a finite number > 0 (got -1) [from --learning-rate]", error.Message);
        Assert.DoesNotContain("LearningRate", error.Message); // never the C# property name
    }

    [Theory]
    [InlineData("batchsize=3", "unknown option 'batchsize'")]
    [InlineData("output_dir=/tmp/x", "option 'output_dir' cannot be set here")]
    [InlineData("layout=diagonal", "Expected one of: packed, bucketed")]
    [InlineData("seed", "is not key=value")]
    public async Task BadOverridesAreNamed(string pair, string expected)
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => SftOptionsFile.LoadAsync(null, [], [pair], Defaults));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task MalformedYamlNamesTheFileAndLine()
    {
        string file = Write("bad.yaml", "learning_rate: [1\n");
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => SftOptionsFile.LoadAsync(file, [], [], Defaults));
        Assert.Contains(file, error.Message);
        Assert.Contains("line", error.Message);
    }

    [Fact]
    public void TheCommandReportsEveryBadFlagInOneLineWithExitCode2()
    {
        var error = new StringWriter();
        int exit = CliApp.BuildRoot()
            .Parse(["sft", "--model", ".", "--data", "x.jsonl", "--output", "o", "--epochs", "0", "--learning-rate", "-1", "--set", "max_length=1"])
            .Invoke(new System.CommandLine.InvocationConfiguration { Output = new StringWriter(), Error = error });

        Assert.Equal(2, exit);
        string text = error.ToString();
        Assert.Contains("num_train_epochs: must be at least 1 (got 0) [from --epochs]", text);
        Assert.Contains("learning_rate: must be a finite number > 0 (got -1) [from --learning-rate]", text);
        Assert.Contains("max_length: must be at least 2", text);
        Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void AFlagLeftAtItsDefaultDoesNotOverrideTheConfigFile()
    {
        string file = Write("sft.yaml", "num_train_epochs: 0\n");
        var error = new StringWriter();
        int exit = CliApp.BuildRoot()
            .Parse(["sft", "--model", ".", "--data", "x.jsonl", "--output", "o", "--config", file])
            .Invoke(new System.CommandLine.InvocationConfiguration { Output = new StringWriter(), Error = error });
        Assert.Equal(2, exit);
        Assert.Contains($"num_train_epochs: must be at least 1 (got 0) [from {file}]", error.ToString());
    }

    [Fact]
    public async Task GradientCheckpointingIsAnSftKeyThatMayChangeOnResume()
    {
        string file = Write("sft-ckpt.yaml", "gradient_checkpointing: true\nlogprob_chunk_size: 64\n");
        var options = await SftOptionsFile.LoadAsync(file, [], [], Defaults);
        Assert.True(options.GradientCheckpointing);
        Assert.Equal(64, options.LogprobChunkSize);
        Assert.Equal(256, Defaults.LogprobChunkSize);
        Assert.Contains("logprob_chunk_size", SftTrainer.SettingsThatMayChange);
        Assert.Contains(SftOptionsValidator.Problems(Defaults with { LogprobChunkSize = -1 }), p => p.StartsWith("logprob_chunk_size", StringComparison.Ordinal));
        Assert.False(Defaults.GradientCheckpointing);
        Assert.Contains("gradient_checkpointing", SftTrainer.SettingsThatMayChange);
    }

    [Fact]
    public async Task MicroBatchWorkersIsAnSftKeyRefusedBelowZeroThatMayChangeOnResume()
    {
        string file = Write("sft-workers.yaml", "micro_batch_workers: 2\n");
        var options = await SftOptionsFile.LoadAsync(file, [], [], Defaults);
        Assert.Equal(2, options.MicroBatchWorkers);
        Assert.Equal(0, Defaults.MicroBatchWorkers);
        Assert.Contains(SftOptionsValidator.Problems(Defaults with { MicroBatchWorkers = -1 }), p => p.StartsWith("micro_batch_workers", StringComparison.Ordinal));
        Assert.Contains("micro_batch_workers", SftTrainer.SettingsThatMayChange);
    }
}
