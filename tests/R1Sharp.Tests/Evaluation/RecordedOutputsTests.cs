using System.Text.Json;
using R1Sharp.Evaluation;
using R1Sharp.Evaluation.Backends;
using R1Sharp.Evaluation.Benchmarks;
using R1Sharp.Evaluation.Judging;
using R1Sharp.Evaluation.Metrics;
using R1Sharp.Evaluation.Results;
using R1Sharp.Testing;
using Xunit.Abstractions;

namespace R1Sharp.Tests.Evaluation;

/// <summary>
/// The whole protocol on real model outputs: 100 MATH problems with 8 recorded Qwen2.5-Math responses each, replayed
/// through the runner and judged by the real verifier, against the labels of Qwen's own grader.
/// </summary>
public sealed class RecordedOutputsTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-replay-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed record Recorded(string Id, string Question, string Gold, string[] Responses, bool[] GraderScores);

    private static List<Recorded> Load() =>
        File.ReadLines(SharedData.Path("outputs", "qwen25math_math_cot_100_scored.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Select(e => new Recorded(
                e.GetProperty("idx").ToString(),
                e.GetProperty("question").GetString()!,
                e.GetProperty("gt").GetString()!,
                e.GetProperty("code").EnumerateArray().Select(c => c.GetString()!).ToArray(),
                e.GetProperty("score").EnumerateArray().Select(s => s.GetBoolean()).ToArray()))
            .ToList();

    /// <summary>Answers a question with its recorded responses, in recorded order.</summary>
    private sealed class ReplayBackend(IReadOnlyDictionary<string, string[]> responsesByQuestion) : ICompletionBackend
    {
        public string Description => "replay";

        public Task<IReadOnlyList<Completion>> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken = default)
        {
            string prompt = request.Messages[^1].Content;
            string question = prompt[..prompt.LastIndexOf('\n')];
            var responses = responsesByQuestion[question];
            return Task.FromResult<IReadOnlyList<Completion>>(responses.Take(request.Count)
                .Select(r => new Completion(r, null, false, "stop", null)).ToList());
        }
    }

    [Fact]
    public async Task VerdictsAgreeWithQwensGraderAndMetricsFollowFromTheSamples()
    {
        var recorded = Load();
        string data = Path.Combine(_dir, "math100.jsonl");
        await File.WriteAllLinesAsync(data, recorded.Select(r => JsonSerializer.Serialize(new { id = r.Id, problem = r.Question, answer = r.Gold })));
        var benchmark = new BenchmarkDefinition("math100", data, "problem", "answer", "id", null, 8, false);
        var backend = new ReplayBackend(recorded.ToDictionary(r => r.Question.Trim(), r => r.Responses));
        string output = Path.Combine(_dir, "out");

        var summary = await new EvaluationRunner(backend, new EvaluationOptions { SamplesPerRequest = 8, MaxConcurrentRequests = 2 })
            .RunAsync([benchmark], MathVerifierJudge.For, output);

        var samples = File.ReadAllLines(EvaluationRunner.SamplesPath(output, "math100"))
            .Select(l => JsonSerializer.Deserialize<SampleRecord>(l)!)
            .ToDictionary(s => (s.QuestionId, s.SampleIndex));
        Assert.Equal(800, samples.Count);
        int agree = recorded.Sum(r => Enumerable.Range(0, 8).Count(i => samples[(r.Id, i)].Correct == r.GraderScores[i]));
        // The data's README lists 18 known policy disagreements (percent and {,} separators) out of 800.
        Assert.True(agree >= 800 - 30, $"only {agree} of 800 verdicts agree with Qwen's grader");

        var metrics = summary.Benchmarks[0];
        log.WriteLine($"agreement with Qwen's grader {agree}/800; pass@1 {metrics.PassAt1.Mean:F4} ± {metrics.PassAt1.StandardError:F4}, " +
            $"pass@8 {metrics.PassAtK[^1].Value:F4}, cons@8 {metrics.ConsensusAccuracy:F4}; grader pass@1 {recorded.Average(r => r.GraderScores.Count(s => s) / 8.0):F4}");
        double expectedPassAt1 = recorded.Average(r => Enumerable.Range(0, 8).Count(i => samples[(r.Id, i)].Correct) / 8.0);
        Assert.Equal(expectedPassAt1, metrics.PassAt1.Mean, 12);
        double expectedPassAt8 = recorded.Average(r => Enumerable.Range(0, 8).Any(i => samples[(r.Id, i)].Correct) ? 1.0 : 0.0);
        Assert.Equal(expectedPassAt8, metrics.PassAtK[^1].Value, 12);
        // The majority vote can only be right where at least one sample is, and pass@1 sits between the extremes.
        Assert.InRange(metrics.ConsensusAccuracy, 0, expectedPassAt8);
        Assert.InRange(metrics.PassAt1.Mean, metrics.PassAtK[0].Value - 1e-12, metrics.PassAtK[^1].Value);
        Assert.Equal(0, metrics.FailedSamples);
    }

    [Fact]
    public void VerifierEquivalenceGroupsDifferentSpellingsForTheVote()
    {
        var judge = new MathVerifierJudge();
        var outcome = MajorityVote.Decide(
        [
            new VoteCandidate(0, "7", false),
            new VoteCandidate(1, "0.5", true),
            new VoteCandidate(2, "\\frac{1}{2}", true),
            new VoteCandidate(3, "7", false),
            new VoteCandidate(4, "\\dfrac12", true),
        ], judge.AreEquivalent);
        Assert.Equal(3, outcome.Votes);
        Assert.True(outcome.Correct);
        Assert.True(judge.Judge("025", "so the answer is \\boxed{25}").Correct);
        Assert.Null(judge.Judge("3", "I am not sure.").Extracted);
    }
}
