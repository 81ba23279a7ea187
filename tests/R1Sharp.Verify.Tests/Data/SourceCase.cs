using System.Text.Json;

namespace R1Sharp.Verify.Tests.Data;

/// <summary>One (gold, pred, expected) tuple of shared/data/verifier, with the verdict R1Sharp gives it.</summary>
internal sealed record SourceCase(string File, int Row, string Gold, string Predicted, bool Expected)
{
    public static readonly string[] Files =
        ["mathverify_test_cases.jsonl", "lighteval_extractive_match_cases.jsonl", "hendrycks_math_equivalence_cases.jsonl"];

    /// <summary>Rows with literal string gold and pred (rows built from Python expressions or parse-only checks are left out).</summary>
    public static IEnumerable<SourceCase> Load(string file)
    {
        int row = -1;
        foreach (var line in System.IO.File.ReadLines(R1Sharp.Testing.SharedData.Path("verifier", file)))
        {
            row++;
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (!root.TryGetProperty("gold", out var gold) || gold.ValueKind != JsonValueKind.String) continue;
            if (!root.TryGetProperty("pred", out var pred) || pred.ValueKind != JsonValueKind.String) continue;
            if (!root.TryGetProperty("expected", out var expected)) continue;
            bool value = expected.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number => expected.GetInt32() != 0,
                _ => throw new InvalidDataException($"{file} row {row}: unexpected 'expected' {expected}"),
            };
            yield return new SourceCase(file, row, gold.GetString()!, pred.GetString()!, value);
        }
    }

    /// <summary>
    /// R1Sharp's verdict: the sources extract the gold too (it may be a worked solution), so the gold goes through
    /// the same extraction before <see cref="MathVerifier.Verify"/>.
    /// </summary>
    public bool Verdict() => MathVerifier.Verify(AnswerExtractor.Extract(Gold) ?? Gold, Predicted).Correct;
}
