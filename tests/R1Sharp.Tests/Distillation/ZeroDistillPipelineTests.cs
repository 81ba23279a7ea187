using System.CommandLine;
using System.Text.Json;
using R1Sharp.Checkpoints;
using R1Sharp.Cli;
using R1Sharp.Distillation.BuiltIn;
using R1Sharp.Tasks;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Sft;
using R1Sharp.Training.Zero;

namespace R1Sharp.Tests.Distillation;

/// <summary>The plumbing of r1 distill-zero on a smoke run (the figures of so short a run mean nothing, so none is asserted beyond its range).</summary>
public sealed class ZeroDistillPipelineTests(QuickZeroTeacher teacher) : IClassFixture<QuickZeroTeacher>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-distill-zero").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task AQuickRunEvaluatesFourModelsAndDistilsOnlyCorrectSamples()
    {
        string output = Path.Combine(_dir, "out");
        var options = ZeroDistillOptions.Quick(teacher.RunDirectory, output) with { TeacherPrompts = 256, SamplesPerPrompt = 4 };
        var phases = new List<string>();
        var summary = await ZeroDistillPipeline.RunAsync(options, new SynchronousProgress<ZeroProgress>(p => phases.Add(p.Phase)), CancellationToken.None);
        Assert.Equal(["load", "pretrain", "sample", "sft", "rl", "evaluate", "done"], phases.Distinct());

        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, ZeroDistillPipeline.SummaryFileName))))
        {
            var root = json.RootElement;
            var models = root.GetProperty("models");
            foreach (var name in ZeroDistillSummary.ModelOrder)
            {
                var model = models.GetProperty(name);
                foreach (var field in new[] { "pass1", "greedy", "format" })
                    AssertShare(model.GetProperty(field), $"{name}.{field}");
                foreach (var family in new[] { "countdown", "arithmetic" })
                {
                    AssertShare(model.GetProperty("pass1_by_family").GetProperty(family), $"{name}.pass1_by_family.{family}");
                    AssertShare(model.GetProperty("greedy_by_family").GetProperty(family), $"{name}.greedy_by_family.{family}");
                }
            }
            Assert.True(models.GetProperty("teacher").GetProperty("parameters").GetInt64() > models.GetProperty("student_base").GetProperty("parameters").GetInt64());
            var distillation = root.GetProperty("distillation");
            foreach (var field in new[] { "seconds", "sampling_seconds", "sft_seconds", "correct", "sft_steps" })
                Assert.True(distillation.GetProperty(field).GetDouble() >= 0, field);
            var rejection = distillation.GetProperty("rejection");
            Assert.Equal(256 * 4, rejection.GetProperty("responses").GetInt32());
            Assert.True(rejection.GetProperty("dropped").TryGetProperty("incorrect", out _));
            var rl = root.GetProperty("rl");
            Assert.True(rl.GetProperty("steps").GetInt32() >= 1);
            Assert.Equal(distillation.GetProperty("seconds").GetDouble(), rl.GetProperty("budget_seconds").GetDouble());
            // The paired comparison: the mean of per-problem differences is the difference of the two pass@1 figures.
            var diff = root.GetProperty("distilled_minus_rl");
            double pass1Difference = models.GetProperty("student_distilled").GetProperty("pass1").GetDouble() - models.GetProperty("student_rl").GetProperty("pass1").GetDouble();
            Assert.Equal(pass1Difference, diff.GetProperty("difference").GetDouble(), 9);
            Assert.InRange(diff.GetProperty("difference").GetDouble(), diff.GetProperty("low").GetDouble(), diff.GetProperty("high").GetDouble());
            Assert.Equal(0.95, diff.GetProperty("level").GetDouble());
            Assert.Equal(summary.HeldOutProblems, diff.GetProperty("problems").GetInt32());
            Assert.Equal(diff.GetProperty("low").GetDouble() <= 0 && diff.GetProperty("high").GetDouble() >= 0, diff.GetProperty("tie").GetBoolean());
        }

        // Every SFT sample is a correct answer to its prompt under the task's own checker, and every correct complete sample made it in.
        var suite = (options.Zero! with { Seed = summary.Seed }).CreateSuite();
        var lines = File.ReadAllLines(Path.Combine(output, ZeroDistillPipeline.SftFileName));
        Assert.Equal(summary.Distillation.Rejection.Kept, lines.Length);
        Assert.NotEmpty(lines); // else the check below proves nothing (about 8 are expected of this teacher)
        foreach (var line in lines)
        {
            using var conversation = JsonDocument.Parse(line);
            var problem = suite.TrainingProblem(long.Parse(conversation.RootElement.GetProperty("prompt_id").GetString()!, System.Globalization.CultureInfo.InvariantCulture), ZeroDistillPipeline.TeacherStream);
            var messages = conversation.RootElement.GetProperty("messages");
            Assert.Equal(problem.Question, messages[0].GetProperty("content").GetString());
            string? answer = AnswerExtraction.LastAnswer(messages[1].GetProperty("content").GetString()!);
            Assert.True(answer is not null && suite.TaskOf(problem).IsCorrect(problem, answer), line);
        }
        int correct = File.ReadAllLines(Path.Combine(output, ZeroDistillPipeline.SamplesFileName)).Count(line =>
        {
            using var sample = JsonDocument.Parse(line);
            var problem = ReasoningProblem.FromRow(sample.RootElement.GetProperty("row").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()));
            string? answer = AnswerExtraction.LastAnswer(sample.RootElement.GetProperty("response").GetString()!);
            return answer is not null && suite.TaskOf(problem).IsCorrect(problem, answer);
        });
        Assert.Equal(summary.Distillation.Correct, correct);

        foreach (var dir in new[] { "student-base", "student-distilled" })
            Assert.True(File.Exists(Path.Combine(output, dir, BuiltInModel.VocabularyFileName)), dir);
        Assert.NotNull(new CheckpointStore<TrainerState>(Path.Combine(output, "student-rl")).Latest());

        // The general path (r1 sft, and r1 distill's student stage) takes the built-in student and the written data as they are.
        string studentBase = Path.Combine(output, "student-base");
        SftPipeline.ChooseRenderer(studentBase, SftTemplateChoice.Auto, out string template);
        Assert.StartsWith("r1-zero", template);
        var sft = await SftPipeline.RunAsync(new SftRunRequest
        {
            ModelDirectory = studentBase,
            DataPath = Path.Combine(output, ZeroDistillPipeline.SftFileName),
            Training = new SftOptions { OutputDirectory = Path.Combine(_dir, "sft"), Epochs = 1, BatchSize = 4, ValidationFraction = 0, EvalSteps = 0, SaveSteps = 0 },
        });
        Assert.IsType<TaskTokenizer>(ModelDirectoryTokenizer.Load(sft.ModelDirectory));
    }

    [Fact]
    public async Task ADirectoryWithoutCheckpointsIsRefusedNamingWhatIsMissing()
    {
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() =>
            ZeroDistillPipeline.RunAsync(ZeroDistillOptions.Quick(_dir, Path.Combine(_dir, "out")), null, CancellationToken.None));
        Assert.Contains(Path.Combine(_dir, "checkpoints"), error.Message);
    }

    [Fact]
    public async Task AMismatchedVocabularyIsRefusedNamingTheFile()
    {
        // The teacher's newest checkpoint, copied, with one token of its vocabulary changed.
        string source = Directory.GetDirectories(Path.Combine(teacher.RunDirectory, "checkpoints"), "checkpoint-*").MaxBy(d => int.Parse(Path.GetFileName(d)["checkpoint-".Length..], System.Globalization.CultureInfo.InvariantCulture))!;
        string checkpoint = Path.Combine(_dir, "checkpoint");
        Directory.CreateDirectory(checkpoint);
        foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(checkpoint, Path.GetFileName(file)));
        string vocabulary = Path.Combine(checkpoint, BuiltInModel.VocabularyFileName);
        var tokens = JsonSerializer.Deserialize<string[]>(File.ReadAllText(vocabulary))!;
        (tokens[10], tokens[11]) = (tokens[11], tokens[10]);
        File.WriteAllText(vocabulary, JsonSerializer.Serialize(tokens));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            ZeroDistillPipeline.RunAsync(ZeroDistillOptions.Quick(checkpoint, Path.Combine(_dir, "out")), null, CancellationToken.None));
        Assert.Contains(vocabulary, error.Message);
    }

    [Fact]
    public async Task TheCommandReportsAMissingTeacherByName()
    {
        string missing = Path.Combine(_dir, "no-such-run");
        var stderr = new StringWriter();
        int exit = await CliApp.BuildRoot().Parse(["distill-zero", "--teacher", missing, "--out", Path.Combine(_dir, "out")])
            .InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = stderr });
        Assert.Equal(2, exit); // usage error (README, "Exit codes")
        Assert.Contains(missing, stderr.ToString());
    }

    private static void AssertShare(JsonElement value, string name)
    {
        double share = value.GetDouble();
        Assert.True(share is >= 0 and <= 1, $"{name} = {share}");
    }
}
