using System.Collections.Concurrent;
using R1Sharp.Data;
using R1Sharp.Distillation;
using R1Sharp.Evaluation.Backends;
using R1Sharp.Rewards.Accuracy;
using R1Sharp.Tests.Sft;
using R1Sharp.Rewards.Composition;

namespace R1Sharp.Tests.Distillation;

public class TeacherSamplerTests
{
    /// <summary>A teacher that answers "a+b" questions, right on even samples and wrong on odd ones; prompts listed
    /// in <see cref="Failing"/> fail like an overloaded server.</summary>
    private sealed class ArithmeticTeacher : ICompletionBackend
    {
        public ConcurrentBag<string> Asked { get; } = [];
        public HashSet<string> Failing { get; } = [];
        public string Description => "arithmetic teacher";

        public Task<IReadOnlyList<Completion>> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken = default)
        {
            string question = request.Messages[^1].Content;
            Asked.Add(question);
            if (Failing.Any(question.Contains))
                return Task.FromResult<IReadOnlyList<Completion>>([.. Enumerable.Repeat(Completion.Failure("HTTP 503 after 6 retries"), request.Count)]);
            var parts = question.Split('\n')[0].Split('+').Select(int.Parse).ToArray();
            int sum = parts[0] + parts[1];
            return Task.FromResult<IReadOnlyList<Completion>>([.. Enumerable.Range(0, request.Count).Select(i =>
                new Completion($"<think>\nadd {parts[0]} and {parts[1]}\n</think>\n\n\\boxed{{{sum + i % 2}}}", 12, false, "stop", null))]);
        }
    }

    private static async Task<string> PromptsAsync(string directory, int count)
    {
        string path = Path.Combine(directory, "prompts.jsonl");
        await File.WriteAllLinesAsync(path, Enumerable.Range(1, count).Select(i => $$"""{"id":"q{{i}}","problem":"{{i}}+{{i * 2}}","answer":"{{3 * i}}"}"""));
        return path;
    }

    [Fact]
    public async Task WritesNScoredResponsesPerPromptThatTheFiltersCanJudge()
    {
        string directory = SftTestData.TempDirectory();
        string prompts = await PromptsAsync(directory, 3);
        string output = Path.Combine(directory, "samples.jsonl");
        var options = new TeacherSamplingOptions { SamplesPerPrompt = 4, Concurrency = 2, PromptSuffix = "Please reason step by step, and put your final answer within \\boxed{}." };

        var report = await new TeacherSampler(new ArithmeticTeacher(), new RewardComposer([new WeightedReward(new AccuracyReward())]), options).RunAsync(prompts, output);

        Assert.Equal(new SamplingReport(3, 0, 3, 0, null), report);
        var samples = await SampledResponseFile.ReadAsync(output);
        Assert.Equal(12, samples.Count);
        Assert.All(samples, s => Assert.EndsWith("\\boxed{}.", s.Prompt[^1].Content));
        Assert.All(samples, s => Assert.Equal(s.SampleIndex % 2 == 0 ? 1.0 : 0.0, s.Rewards["accuracy"]));
        var kept = new RejectionSampler(new RejectionSamplingOptions()).Filter(samples);
        // Two correct responses per prompt, but identical: one survives deduplication.
        Assert.Equal(3, kept.Statistics.Kept);
        Assert.Equal(6, kept.Statistics.Dropped["incorrect"]);
        Assert.Equal(3, kept.Statistics.Dropped[ResponseDeduplicator.ExactReason]);
    }

    /// <summary>Answers "a+b" correctly, later prompts first: each answer waits until every later prompt has been answered.</summary>
    private sealed class ReversedTeacher(int prompts) : ICompletionBackend
    {
        private readonly TaskCompletionSource[] _answered = [.. Enumerable.Range(0, prompts + 1).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))];
        public string Description => "reversed teacher";

        public async Task<IReadOnlyList<Completion>> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken = default)
        {
            int i = int.Parse(request.Messages[^1].Content.Split('+')[0], System.Globalization.CultureInfo.InvariantCulture);
            if (i < _answered.Length - 1) await _answered[i + 1].Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            await Task.Delay(20, cancellationToken); // the next prompt's write lands first
            _answered[i].TrySetResult();
            return [.. Enumerable.Range(0, request.Count).Select(s => new Completion($"\\boxed{{{3 * i}}} #{s}", 3, false, "stop", null))];
        }
    }

    [Fact]
    public async Task ResponsesAreWrittenInPromptOrderWhateverOrderTheyArriveIn()
    {
        string directory = SftTestData.TempDirectory();
        string prompts = await PromptsAsync(directory, 4);
        string output = Path.Combine(directory, "samples.jsonl");
        var options = new TeacherSamplingOptions { SamplesPerPrompt = 2, Concurrency = 4 };

        var report = await new TeacherSampler(new ReversedTeacher(4), null, options).RunAsync(prompts, output);

        Assert.Equal(4, report.Completed);
        var samples = await SampledResponseFile.ReadAsync(output);
        Assert.Equal(["q1", "q1", "q2", "q2", "q3", "q3", "q4", "q4"], samples.Select(s => s.PromptId));
        Assert.Equal([0, 1, 0, 1, 0, 1, 0, 1], samples.Select(s => s.SampleIndex));
    }

    [Fact]
    public async Task ARerunSamplesOnlyWhatIsMissingAfterFailuresAndATornWrite()
    {
        string directory = SftTestData.TempDirectory();
        string prompts = await PromptsAsync(directory, 4);
        string output = Path.Combine(directory, "samples.jsonl");
        var options = new TeacherSamplingOptions { SamplesPerPrompt = 2, Concurrency = 1 };
        var flaky = new ArithmeticTeacher();
        flaky.Failing.Add("3+6");

        var first = await new TeacherSampler(flaky, null, options).RunAsync(prompts, output);
        Assert.Equal(3, first.Completed);
        Assert.Equal(1, first.Failed);
        Assert.Contains("503", first.FirstError);
        // A kill in the middle of a write leaves a torn line behind (and one response of prompt q4 lost).
        var lines = (await File.ReadAllLinesAsync(output)).ToList();
        int q4 = lines.FindLastIndex(l => l.Contains("\"q4\"", StringComparison.Ordinal));
        lines.RemoveAt(q4);
        await File.WriteAllTextAsync(output, string.Join("\n", lines) + "\n{\"prompt_id\":\"q4\",\"resp");

        var healthy = new ArithmeticTeacher();
        var second = await new TeacherSampler(healthy, null, options).RunAsync(prompts, output);

        Assert.Equal(2, second.AlreadyDone);
        Assert.Equal(2, second.Completed);
        Assert.Equal(["3+6", "4+8"], healthy.Asked.Order());
        var samples = await SampledResponseFile.ReadAsync(output);
        Assert.Equal(8, samples.Count);
        Assert.Equal(["q1", "q2", "q3", "q4"], samples.GroupBy(s => s.PromptId).Where(g => g.Count() == 2).Select(g => g.Key).Order());
    }

    [Fact]
    public async Task PromptRowsWithoutAPromptOrWithDuplicateIdsNameTheLine()
    {
        string directory = SftTestData.TempDirectory();
        string output = Path.Combine(directory, "samples.jsonl");
        string noPrompt = Path.Combine(directory, "a.jsonl");
        await File.WriteAllLinesAsync(noPrompt, ["""{"problem":"1+1"}""", """{"answer":"2"}"""]);
        var error = await Assert.ThrowsAsync<DatasetFormatException>(() =>
            new TeacherSampler(new ArithmeticTeacher(), null, new TeacherSamplingOptions()).RunAsync(noPrompt, output));
        Assert.Equal(2, error.Line);
        Assert.Contains("'problem'", error.Message);

        string duplicate = Path.Combine(directory, "b.jsonl");
        await File.WriteAllLinesAsync(duplicate, ["""{"id":"x","problem":"1+1"}""", """{"id":"x","problem":"2+2"}"""]);
        error = await Assert.ThrowsAsync<DatasetFormatException>(() =>
            new TeacherSampler(new ArithmeticTeacher(), null, new TeacherSamplingOptions()).RunAsync(duplicate, output));
        Assert.Equal(2, error.Line);
        Assert.Contains("twice", error.Message);
    }
}
