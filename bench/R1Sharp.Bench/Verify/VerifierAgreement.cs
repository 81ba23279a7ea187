using System.Text.Json;
using R1Sharp.Verify;

namespace R1Sharp.Bench.Verify;

/// <summary>
/// Agreement figures of docs/verifier.md: per public test-case source and per labelled-output file.
/// Usage: verify-agreement [--details]  (--details lists every disagreeing row; the reasons are in
/// tests/R1Sharp.Verify.Tests/Data/deliberate-differences.tsv).
/// </summary>
internal static class VerifierAgreement
{
    private static readonly string[] SourceFiles =
        ["mathverify_test_cases.jsonl", "lighteval_extractive_match_cases.jsonl", "hendrycks_math_equivalence_cases.jsonl"];

    public static Task<int> RunAsync(string[] args)
    {
        bool details = args.Contains("--details");
        foreach (var file in SourceFiles)
        {
            int row = -1, total = 0, agree = 0, skipped = 0;
            foreach (var line in File.ReadLines(SharedDataLocator.Path("verifier", file)))
            {
                row++;
                var r = JsonDocument.Parse(line).RootElement;
                if (!r.TryGetProperty("gold", out var g) || g.ValueKind != JsonValueKind.String
                    || !r.TryGetProperty("pred", out var p) || p.ValueKind != JsonValueKind.String
                    || !r.TryGetProperty("expected", out var e)) { skipped++; continue; }
                bool expected = e.ValueKind == JsonValueKind.True || (e.ValueKind == JsonValueKind.Number && e.GetInt32() != 0);
                string gold = g.GetString()!;
                bool verdict = MathVerifier.Verify(AnswerExtractor.Extract(gold) ?? gold, p.GetString()!).Correct;
                total++;
                if (verdict == expected) agree++;
                else if (details) Console.WriteLine($"  {file} row {row}: expected {expected}, R1Sharp {verdict}");
            }
            Console.WriteLine($"{file}: {agree}/{total} agree ({100.0 * agree / total:F1}%), {skipped} rows without literal gold/pred");
        }

        int qTotal = 0, qAgree = 0;
        foreach (var line in File.ReadLines(SharedDataLocator.Path("outputs", "qwen25math_math_cot_100_scored.jsonl")))
        {
            var r = JsonDocument.Parse(line).RootElement;
            string gold = r.GetProperty("answer").GetString()!;
            var responses = r.GetProperty("code").EnumerateArray().Select(x => x.GetString()!).ToArray();
            var scores = r.GetProperty("score").EnumerateArray().Select(x => x.GetBoolean()).ToArray();
            for (int i = 0; i < responses.Length; i++)
            {
                qTotal++;
                bool verdict = MathVerifier.Verify(gold, responses[i]).Correct;
                if (verdict == scores[i]) qAgree++;
                else if (details) Console.WriteLine($"  qwen idx {r.GetProperty("idx").GetInt32()} sample {i}: grader {scores[i]}, R1Sharp {verdict}, gold {gold}");
            }
        }
        Console.WriteLine($"qwen25math_math_cot_100_scored.jsonl: {qAgree}/{qTotal} agree with Qwen's grader ({100.0 * qAgree / qTotal:F1}%)");

        int gTotal = 0, gAgree = 0;
        foreach (var line in File.ReadLines(SharedDataLocator.Path("outputs", "gsm8k_test_gpt3_model_solutions_labeled.jsonl")))
        {
            var r = JsonDocument.Parse(line).RootElement;
            string truth = r.GetProperty("ground_truth").GetString()!;
            string gold = truth[(truth.LastIndexOf("A:", StringComparison.Ordinal) + 2)..].Trim();
            foreach (var model in r.EnumerateObject().Where(x => x.Value.ValueKind == JsonValueKind.Object))
            {
                gTotal++;
                if (MathVerifier.Verify(gold, model.Value.GetProperty("solution").GetString()!).Correct == model.Value.GetProperty("is_correct").GetBoolean()) gAgree++;
            }
        }
        Console.WriteLine($"gsm8k_test_gpt3_model_solutions_labeled.jsonl: {gAgree}/{gTotal} agree with the labels ({100.0 * gAgree / gTotal:F1}%)");
        return Task.FromResult(0);
    }
}
