using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using R1Sharp.Cli;
using R1Sharp.Cli.Errors;
using R1Sharp.Pipeline;
using R1Sharp.Tests.Evaluation;

namespace R1Sharp.Tests.Pipeline;

/// <summary>r1 pipeline --judge-endpoint: stage 3 keeps the chat candidates a generative judge accepts (a loopback fake judge here).</summary>
public sealed partial class PipelineJudgeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-pipeline-judge").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task StageThreeKeepsTheChatCandidatesTheJudgeAcceptsAndCountsItsFailures()
    {
        // The fake judge accepts a fully helpful answer (three numbers within 3 of N), rejects the others, and gives an
        // unreadable reply to every 5th request.
        var accepted = new List<(int N, string Response)>();
        await using var server = new FakeChatCompletionsServer((body, number) =>
        {
            string prompt = body.GetProperty("messages")[0].GetProperty("content").GetString()!;
            int n = int.Parse(Near().Match(prompt).Groups[1].Value, CultureInfo.InvariantCulture);
            string response = prompt[(prompt.IndexOf("Response:\n", StringComparison.Ordinal) + "Response:\n".Length)..prompt.LastIndexOf("\n\nDecide", StringComparison.Ordinal)];
            bool helps = ChatTask.Judge(n, response) == 1.0;
            string content = number % 5 == 0 ? "I cannot tell" : helps ? "VERDICT: CORRECT" : "VERDICT: INCORRECT";
            return new(200, FakeChatCompletionsServer.Choices(5, 3, new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" }));
        });
        var quick = PipelineOptions.Quick(_dir) with { Threads = 1 };
        var options = quick with
        {
            Pretrain = quick.Pretrain with { Steps = 2, BatchSize = 4, SaveSteps = 2 },
            HeldOutPerFamily = 2,
            ChatHeldOut = 2,
            PreferencePairs = 12,
            ColdStartExamples = 6,
            RejectionPrompts = 2,
            LanguageAblation = false,
            ReasoningRl = quick.ReasoningRl with { MaxSteps = 1, MaxCompletionLength = 8, PromptsPerStep = 2, NumGenerations = 2 },
            AllScenarioRl = quick.AllScenarioRl with { MaxSteps = 1, MaxCompletionLength = 8, PromptsPerStep = 4, NumGenerations = 2 },
            Judge = new PipelineJudge(server.BaseUri, "fake-judge") { Retries = 0 },
        };

        var summary = await PipelineRunner.RunAsync(options, resume: false, null, CancellationToken.None);

        var details = summary.Details[PipelineStages.RejectionSft];
        // At least 8 chat prompts, every candidate judged; a repeated candidate is asked once (the judge's cache).
        Assert.Equal(8 * options.ChatCandidates, details["chat_judged"]);
        Assert.InRange(server.Seen.Count, 8, 8 * options.ChatCandidates);
        Assert.InRange(details["chat_judge_failures"], server.Seen.Count / 5, details["chat_judged"] - details["chat_judge_accepted"]);
        Assert.True(server.Seen.Count < 5 || details["chat_judge_failures"] > 0);
        Assert.All(server.Seen, s => Assert.Equal("fake-judge", s.Body.GetProperty("model").GetString()));
        var chat = File.ReadLines(Path.Combine(_dir, "rejection_sft", "data.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("kind").GetString() == "chat")
            .ToList();
        Assert.NotEmpty(chat);
        Assert.True(chat.Count <= details["chat_judge_accepted"]);
        // Only accepted (fully helpful) answers, at most one per prompt.
        Assert.All(chat, e => Assert.Equal(1.0, ChatTask.Judge(int.Parse(Near().Match(e.GetProperty("prompt").GetString()!).Groups[1].Value, CultureInfo.InvariantCulture), e.GetProperty("completion").GetString()!)));
        Assert.Equal(chat.Count, chat.Select(e => e.GetProperty("prompt").GetString()).Distinct().Count());
        Assert.Equal(1.0, details["chat_judge_of_kept"]);
    }

    [Theory]
    [InlineData(new[] { "--judge-endpoint", "http://127.0.0.1:9/v1" }, "--judge-model")]
    [InlineData(new[] { "--judge-model", "m" }, "--judge-endpoint")]
    [InlineData(new[] { "--judge-endpoint", "not a url", "--judge-model", "m" }, "not a url")]
    public void JudgeFlagsWithoutTheirPartnerOrAUrlAreUsageErrors(string[] flags, string named)
    {
        string output = Path.Combine(_dir, "cli");
        var stderr = new StringWriter();
        int code = CliApp.BuildRoot().Parse(["pipeline", "--output", output, .. flags]).Invoke(new InvocationConfiguration { Output = new StringWriter(), Error = stderr });
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(named, stderr.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [GeneratedRegex(@"Give numbers near (\d+)")]
    private static partial Regex Near();
}
