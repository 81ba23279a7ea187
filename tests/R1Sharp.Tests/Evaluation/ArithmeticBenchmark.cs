using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using R1Sharp.Evaluation.Benchmarks;

namespace R1Sharp.Tests.Evaluation;

/// <summary>A small benchmark of "What is a+b?" questions written to a temp file, and the matching answer for fakes.</summary>
internal static partial class ArithmeticBenchmark
{
    public static BenchmarkDefinition Write(string directory, string name, int questions, int samples)
    {
        string path = Path.Combine(directory, name + ".jsonl");
        File.WriteAllLines(path, Enumerable.Range(1, questions).Select(i =>
            JsonSerializer.Serialize(new { id = $"{name}-{i}", problem = $"What is {i}+{i * 3}?", answer = (i + i * 3).ToString(CultureInfo.InvariantCulture) })));
        return new BenchmarkDefinition(name, path, "problem", "answer", "id", null, samples, false);
    }

    /// <summary>The sum asked for in a prompt that contains "What is a+b?".</summary>
    public static int SumIn(string prompt)
    {
        var match = QuestionPattern().Match(prompt);
        if (!match.Success) throw new ArgumentException("not an arithmetic question: " + prompt);
        return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) + int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"What is (\d+)\+(\d+)\?")]
    private static partial Regex QuestionPattern();
}
