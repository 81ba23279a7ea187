using R1Sharp.Distillation;
using R1Sharp.Tests.Sft;

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
            Assert.Equal(3, config.Student.Sft.Epochs);
            Assert.Equal(1e-5, config.Student.Sft.LearningRate);
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
}
