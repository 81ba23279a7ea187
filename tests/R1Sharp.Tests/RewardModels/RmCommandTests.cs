using System.CommandLine;
using System.Text.Json.Nodes;
using R1Sharp.Cli;
using R1Sharp.RewardModels;
using R1Sharp.Tests.Training;
using R1Sharp.Training.Metrics;
using TorchSharp;

namespace R1Sharp.Tests.RewardModels;

/// <summary>`r1 rm` end to end on a one-layer random Qwen2 with the real Qwen2.5 tokenizer, learning an easy preference.</summary>
public sealed class RmCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-rm-cli").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // The preferred answer agrees with the question's parity word; the rejected one does not.
    private string Pairs(int count)
    {
        string path = Path.Combine(_dir, "pairs.jsonl");
        var lines = Enumerable.Range(0, count).Select(i =>
        {
            string prompt = $"Question {i}: say yes. Answer:";
            return new JsonObject { ["prompt"] = prompt, ["chosen"] = " yes", ["rejected"] = " no" }.ToJsonString();
        });
        File.WriteAllLines(path, lines);
        return path;
    }

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliApp.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void LearnsAnEasyPreferenceSavesALoadableModelAndResumesExactly()
    {
        string model = GrpoCommandTests.WriteTinyQwen(Path.Combine(_dir, "base"));
        string data = Pairs(40);
        string[] common = ["rm", "--model", model, "--data", data, "--learning-rate", "1e-2", "--batch-size", "4", "--validation-fraction", "0.2",
            "--epochs", "2", "--logging-steps", "1", "--seed", "3", "--set", "lr_scheduler_type=constant"];
        string full = Path.Combine(_dir, "full");
        var run = Run([.. common, "--output", full]);
        Assert.True(run.Exit == 0, run.Error + run.Output);

        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(full, RewardModelPipeline.SummaryFileName)))!;
        Assert.Equal(32, summary["train_pairs"]!.GetValue<int>());
        Assert.Equal(8, summary["eval_pairs"]!.GetValue<int>());
        Assert.Equal(16, summary["steps"]!.GetValue<int>());
        double accuracy = summary["eval_accuracy"]!.GetValue<double>();
        Assert.True(accuracy >= 0.9, $"held-out accuracy {accuracy}");
        Assert.True(summary["last_train_loss"]!.GetValue<double>() < summary["first_train_loss"]!.GetValue<double>());
        Assert.Contains("held-out accuracy", run.Output);

        // final/ is a reward model with the tokenizer beside it; it scores "yes" above "no".
        string final = Path.Combine(full, "final");
        Assert.True(RewardModelCheckpoint.IsRewardModel(final));
        Assert.True(File.Exists(Path.Combine(final, "vocab.json")));
        double[] finalScores;
        using (var reward = RewardModelCheckpoint.Load(final, torch.CPU))
        {
            var tokenizer = R1Sharp.Tasks.ModelDirectoryTokenizer.Load(final);
            finalScores = reward.Score([tokenizer.Encode("Question 99: say yes. Answer: yes"), tokenizer.Encode("Question 99: say yes. Answer: no")], tokenizer.PadId, 2);
            Assert.True(finalScores[0] > finalScores[1]);
        }

        // Stopped after 7 steps and resumed: the same weights as the uninterrupted run.
        string parts = Path.Combine(_dir, "parts");
        Assert.Equal(0, Run([.. common, "--output", parts, "--max-steps", "7", "--save-steps", "7"]).Exit);
        var resumed = Run([.. common, "--output", parts, "--resume"]);
        Assert.True(resumed.Exit == 0, resumed.Error + resumed.Output);
        using (var a = RewardModelCheckpoint.Load(final, torch.CPU))
        using (var b = RewardModelCheckpoint.Load(Path.Combine(parts, "final"), torch.CPU))
            Assert.Equal(a.ScoreWeight.data<float>().ToArray(), b.ScoreWeight.data<float>().ToArray());
        var steps = MetricsLog.ReadJsonl(Path.Combine(parts, MetricsLog.JsonlFileName)).Select(m => m.Step).ToList();
        Assert.Equal([0L, .. Enumerable.Range(1, 16).Select(i => (long)i)], steps);
    }

    [Fact]
    public void ABadRowIsNamedByFileAndLine()
    {
        string data = Path.Combine(_dir, "bad.jsonl");
        File.WriteAllLines(data, ["{\"prompt\":\"q\",\"chosen\":\"a\",\"rejected\":\"b\"}", "{\"prompt\":\"q\",\"chosen\":\"a\"}"]);
        string model = GrpoCommandTests.WriteTinyQwen(Path.Combine(_dir, "base"));
        var run = Run("rm", "--model", model, "--data", data, "--output", Path.Combine(_dir, "out"));
        Assert.Equal(2, run.Exit);
        Assert.Contains($"{data}:2", run.Error);
        Assert.Contains("'rejected'", run.Error);
    }

    [Fact]
    public void ConversationalPairsAreRenderedWithTheChatTemplate()
    {
        var reader = new PreferenceReader(new R1Sharp.Training.Sft.ChatMarkupRenderer());
        var row = new R1Sharp.Data.DatasetRow("mem", 1, System.Text.Json.JsonDocument.Parse(
            """{"chosen":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}],"rejected":[{"role":"user","content":"hi"},{"role":"assistant","content":"go away"}]}""")
            .RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()));
        var pair = reader.Read(row);
        Assert.Equal("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nhello<|im_end|>\n", pair.Chosen);
        Assert.EndsWith("go away<|im_end|>\n", pair.Rejected);
    }
}
