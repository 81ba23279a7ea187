using System.Text.Json;

namespace R1Sharp.Verify.Tests.Data;

/// <summary>Every gold answer of the real benchmarks must be readable, equal itself and its reference solution's box.</summary>
public class BenchmarkAnswersTests
{
    private static IEnumerable<JsonElement> Rows(string file) =>
        File.ReadLines(R1Sharp.Testing.SharedData.Path("benchmarks", file)).Select(l => JsonDocument.Parse(l).RootElement.Clone());

    [Fact]
    public void Math500_gold_answers_are_usable_and_match_their_reference_solutions()
    {
        var problems = new List<string>();
        foreach (var row in Rows("math500.jsonl"))
        {
            string answer = row.GetProperty("answer").GetString()!;
            string solution = row.GetProperty("solution").GetString()!;
            if (!MathVerifier.IsUsableGold(answer)) problems.Add($"unusable: {answer}");
            else if (!MathVerifier.AreEquivalent(answer, answer)) problems.Add($"not equal to itself: {answer}");
            else if (!MathVerifier.Verify(answer, solution).Correct) problems.Add($"solution box differs: {answer}");
        }
        Assert.Empty(problems);
    }

    [Fact]
    public void Aime24_answers_are_integers_that_accept_leading_zeros()
    {
        foreach (var row in Rows("aime24.jsonl"))
        {
            string answer = row.GetProperty("answer").ValueKind == JsonValueKind.String
                ? row.GetProperty("answer").GetString()!
                : row.GetProperty("answer").GetRawText();
            Assert.True(int.TryParse(answer, out int value), answer);
            Assert.True(MathVerifier.Verify(answer, $"The answer is \\boxed{{{value:D3}}}.").Correct, answer);
            Assert.False(MathVerifier.Verify(answer, $"The answer is \\boxed{{{value + 1}}}.").Correct, answer);
        }
    }

    [Fact]
    public void Mutated_math500_answers_never_raise_internal_errors()
    {
        var random = new Random(2025);
        const string inserts = "{}()[]\\^_,.-+=$ \\frac\\sqrt\\left\\right\\boxed";
        var errors = new List<string>();
        foreach (var row in Rows("math500.jsonl"))
        {
            string answer = row.GetProperty("answer").GetString()!;
            for (int k = 0; k < 4; k++)
            {
                var chars = answer.ToList();
                int edits = random.Next(1, 4);
                for (int e = 0; e < edits; e++)
                {
                    int at = random.Next(chars.Count + 1);
                    if (random.Next(2) == 0 && chars.Count > 0 && at < chars.Count) chars.RemoveAt(at);
                    else chars.Insert(at, inserts[random.Next(inserts.Length)]);
                }
                string mutated = new(chars.ToArray());
                var first = MathVerifier.Verify(answer, "\\boxed{" + mutated + "}");
                var second = MathVerifier.Verify(answer, "\\boxed{" + mutated + "}");
                if (first.Error?.StartsWith("internal error", StringComparison.Ordinal) == true || first != second)
                    errors.Add($"{answer} -> {mutated}: {first.Error}");
                if (!MathVerifier.AreEquivalent(mutated, mutated) && MathVerifier.IsUsableGold(mutated) && !mutated.Contains("\\boxed"))
                    errors.Add($"readable but not equal to itself: {mutated}");
            }
        }
        Assert.Empty(errors);
    }
}
