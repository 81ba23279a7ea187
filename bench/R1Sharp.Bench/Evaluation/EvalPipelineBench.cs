using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using R1Sharp.Evaluation;
using R1Sharp.Evaluation.Backends;
using R1Sharp.Evaluation.Benchmarks;
using R1Sharp.Evaluation.Judging;

namespace R1Sharp.Bench.Evaluation;

/// <summary>
/// `eval-pipeline`: the evaluation harness's own cost per sample (HTTP round trip to a server that answers at once,
/// JSON, judging, the flushed JSONL append, progress, metrics and summaries), i.e. what `r1 eval` adds on top of
/// generation. No peer runs here: Python harnesses (lighteval, evalscope) need packages this machine cannot install.
/// </summary>
internal static class EvalPipelineBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        int questions = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
        int samples = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;
        int responseCharacters = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 4_000;
        // "verifier": judge with the real math verifier instead of a string comparison (adds the verifier's cost).
        bool realVerifier = args.Length > 3 && args[3] == "verifier";
        string work = Directory.CreateTempSubdirectory("r1-evalbench-").FullName;
        try
        {
            string data = Path.Combine(work, "bench.jsonl");
            await File.WriteAllLinesAsync(data, Enumerable.Range(1, questions).Select(i =>
                JsonSerializer.Serialize(new { id = i.ToString(CultureInfo.InvariantCulture), problem = $"Question {i}: what is 6 times 7?", answer = "42" })));
            var benchmark = new BenchmarkDefinition("bench", data, "problem", "answer", "id", null, samples, false);

            await using var server = new InstantChatServer(responseCharacters);
            using var backend = new OpenAICompatibleBackend(new OpenAICompatibleOptions { Endpoint = server.BaseUri, Model = "bench" });
            var options = new EvaluationOptions { MaxConcurrentRequests = 8, SamplesPerRequest = samples };
            IAnswerJudge judge = realVerifier ? new MathVerifierJudge() : new LastBoxJudge();

            // Warm-up run (JIT, connection pool) in its own directory, then the measured run.
            await new EvaluationRunner(backend, options with { QuestionLimit = 20 }).RunAsync([benchmark], _ => judge, Path.Combine(work, "warm"));
            var clock = Stopwatch.StartNew();
            var summary = await new EvaluationRunner(backend, options).RunAsync([benchmark], _ => judge, Path.Combine(work, "run"));
            double seconds = clock.Elapsed.TotalSeconds;
            int total = questions * samples;
            Console.WriteLine($"eval pipeline: {questions} questions x k={samples}, {responseCharacters}-character responses, concurrency 8, n={samples} per request, judge: {(realVerifier ? "MathVerifier" : "string match")}");
            Console.WriteLine($"{total} samples in {seconds:F2} s = {total / seconds:F0} samples/s ({seconds / total * 1000:F2} ms per sample); pass@1 {summary.Overall.PassAt1.Mean:P1}");
            return summary.Overall.PassAt1.Mean == 1.0 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>A minimal judge (last \boxed{...}, string equality), so the figure is the harness's, not the verifier's.</summary>
    private sealed class LastBoxJudge : IAnswerJudge
    {
        public AnswerJudgement Judge(string gold, string response)
        {
            int start = response.LastIndexOf("\\boxed{", StringComparison.Ordinal);
            if (start < 0) return new AnswerJudgement(false, null);
            int end = response.IndexOf('}', start);
            string answer = response[(start + 7)..end];
            return new AnswerJudgement(answer == gold, answer);
        }

        public bool AreEquivalent(string first, string second) => first == second;
    }
}
