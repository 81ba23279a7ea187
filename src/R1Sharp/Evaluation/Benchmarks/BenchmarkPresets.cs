namespace R1Sharp.Evaluation.Benchmarks;

/// <summary>The built-in benchmark presets, matching the files in <c>shared/data/benchmarks</c> and their public sources.</summary>
public static class BenchmarkPresets
{
    /// <summary>MATH-500 (openai/prm800k split): <c>problem</c> / <c>answer</c> / <c>unique_id</c>; 500 questions, so k = 4 as in the paper.</summary>
    public static BenchmarkPreset Math500 { get; } = new(
        Name: "math500", FileName: "math500.jsonl", QuestionField: "problem", AnswerField: "answer",
        IdField: "unique_id", GoldMarker: null, DefaultSamples: 4, LastNumberFallback: false);

    /// <summary>
    /// AIME 2024 (Qwen2.5-Math's copy): <c>problem</c> / <c>answer</c> / <c>id</c>; answers are strings that keep
    /// leading zeros (<c>025</c>), which the verifier reads as integers. 30 questions, so k = 64 as in the paper.
    /// </summary>
    public static BenchmarkPreset Aime24 { get; } = new(
        Name: "aime24", FileName: "aime24.jsonl", QuestionField: "problem", AnswerField: "answer",
        IdField: "id", GoldMarker: null, DefaultSamples: 64, LastNumberFallback: false);

    /// <summary>
    /// GSM8K test (openai/grade-school-math): <c>question</c> / <c>answer</c>, the gold number after <c>####</c>
    /// at the end of the worked solution; no id field (rows are numbered). 1,319 questions: k = 4. Answers are
    /// plain numbers, so a response's last number counts when it states no answer otherwise.
    /// </summary>
    public static BenchmarkPreset Gsm8k { get; } = new(
        Name: "gsm8k", FileName: "gsm8k_test.jsonl", QuestionField: "question", AnswerField: "answer",
        IdField: null, GoldMarker: "####", DefaultSamples: 4, LastNumberFallback: true);

    /// <summary>Every preset, in the order <c>r1 eval --help</c> lists them.</summary>
    public static IReadOnlyList<BenchmarkPreset> All { get; } = [Math500, Aime24, Gsm8k];

    /// <summary>Finds a preset by name (case-insensitive), or null.</summary>
    public static BenchmarkPreset? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}
