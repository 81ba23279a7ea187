using R1Sharp.Distillation;
using R1Sharp.Tests.Sft;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.LanguageModeling;

namespace R1Sharp.Tests.Distillation;

public class DistillConfigFileTests
{
    [Fact]
    public async Task YamlAndJsonGiveTheSameConfigWithPathsRelativeToTheFile()
    {
        string directory = SftTestData.TempDirectory();
        string yaml = Path.Combine(directory, "distill.yaml");
        await File.WriteAllTextAsync(yaml, """
            prompts: data/train.jsonl
            eval_prompts: data/test.jsonl
            teacher:
              endpoint: http://localhost:8000/v1
              model: deepseek-r1
            sampling:
              samples_per_prompt: 8
              temperature: 0.7
            filter:
              max_per_prompt: 2
            student:
              model_dir: models/student
              sft:
                epochs: 3
                learning_rate: 1.0e-5
            """);
        string json = Path.Combine(directory, "distill.json");
        await File.WriteAllTextAsync(json, """
            {"prompts": "data/train.jsonl", "eval_prompts": "data/test.jsonl",
             "teacher": {"endpoint": "http://localhost:8000/v1", "model": "deepseek-r1"},
             "sampling": {"samples_per_prompt": 8, "temperature": 0.7}, "filter": {"max_per_prompt": 2},
             "student": {"model_dir": "models/student", "sft": {"epochs": 3, "learning_rate": 1.0e-5}}}
            """);

        foreach (var config in new[] { DistillConfigFile.Load(yaml), DistillConfigFile.Load(json) })
        {
            Assert.Equal(Path.Combine(directory, "data", "train.jsonl"), config.Prompts);
            Assert.Equal(Path.Combine(directory, "models", "student"), config.Student.ModelDir);
            Assert.Equal(8, config.Sampling.SamplesPerPrompt);
            Assert.Equal(0.7, config.Sampling.Temperature);
            Assert.Equal(2, config.Filter.MaxPerPrompt);
            Assert.Equal(3, config.Student.Training!.Epochs);
            Assert.Equal(1e-5, config.Student.Training!.LearningRate);
            Assert.Equal(0.95, config.Sampling.TopP); // default kept
            Assert.Equal("accuracy", config.Rewards);
        }
    }

    [Theory]
    [InlineData("prompts: p.jsonl\nstudent: {model_dir: s}\n", "'teacher' needs exactly one")]
    [InlineData("prompts: p.jsonl\nteacher: {endpoint: http://x/v1}\nstudent: {model_dir: s}\n", "teacher.model")]
    [InlineData("teacher: {model_dir: t}\nstudent: {model_dir: s}\n", "'prompts' is required")]
    [InlineData("prompts: p.jsonl\nteacher: {model_dir: t}\n", "student.model_dir")]
    [InlineData("prompts: p.jsonl\nteacher: {model_dir: t}\nstudent: {model_dir: s}\nsampling:\n  samples_per_promt: 3\n", ":5: Property 'samples_per_promt' not found")]
    public async Task InvalidConfigsNameTheProblem(string text, string expected)
    {
        string path = Path.Combine(SftTestData.TempDirectory(), "bad.yaml");
        await File.WriteAllTextAsync(path, text);
        var error = Assert.Throws<InvalidDataException>(() => DistillConfigFile.Load(path));
        Assert.Contains(path, error.Message);
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), error.Message);
    }

    [Theory]
    [InlineData("layout: diagonal", "option 'layout' has a bad value")]
    [InlineData("epochz: 3", "unknown option 'epochz'")]
    [InlineData("learning_rate: -1", "learning_rate: must be a finite number > 0 (got -1)")]
    public async Task TheStudentsSftBlockIsReadLikeAnSftConfigFile(string line, string expected)
    {
        // The same reader, keys and validation as r1 sft --config: a typo is refused at load, not silently ignored.
        string path = Path.Combine(SftTestData.TempDirectory(), "bad.yaml");
        await File.WriteAllTextAsync(path, $"prompts: p.jsonl\nteacher: {{model_dir: t}}\nstudent:\n  model_dir: s\n  sft:\n    {line}\n");
        var error = Assert.Throws<ConfigurationException>(() => DistillConfigFile.Load(path));
        Assert.Contains(path, error.Message);
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public async Task TrlNamesAndDefaultsReachTheStudent()
    {
        string path = Path.Combine(SftTestData.TempDirectory(), "ok.yaml");
        await File.WriteAllTextAsync(path, "prompts: p.jsonl\nteacher: {model_dir: t}\nstudent:\n  model_dir: s\n  sft: {num_train_epochs: 4, per_device_train_batch_size: 2, layout: bucketed}\n");
        var training = DistillConfigFile.Load(path).Student.Training!;
        Assert.Equal(4, training.Epochs);
        Assert.Equal(2, training.BatchSize);
        Assert.Equal(SequenceLayout.Bucketed, training.Layout);
        Assert.Equal(0, training.SaveSteps); // the student saves only at the end
        Assert.Equal(2e-5, training.LearningRate); // SftOptions' default
    }
}
