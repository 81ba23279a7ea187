namespace R1Sharp.Evaluation.Benchmarks;

/// <summary>
/// How to read a well-known benchmark file: which fields hold the question, the gold answer and the id, and how
/// many samples per question the paper's protocol draws for a benchmark of that size.
/// </summary>
/// <param name="Name">Preset name on the command line (<c>math500</c>, <c>aime24</c>, <c>gsm8k</c>).</param>
/// <param name="FileName">File name looked for in the data directory when no path is given.</param>
/// <param name="QuestionField">Field holding the problem statement.</param>
/// <param name="AnswerField">Field holding the gold answer (or a solution ending in <paramref name="GoldMarker"/>).</param>
/// <param name="IdField">Field holding a stable question id, or null to number rows from 1.</param>
/// <param name="GoldMarker">When set, the gold answer is the text after the last occurrence of this marker in the answer field (GSM8K's <c>####</c>).</param>
/// <param name="DefaultSamples">k, samples per question; DeepSeek-R1 uses 4 to 64 depending on benchmark size (AIME 64, MATH-500 4).</param>
/// <param name="LastNumberFallback">Accept the last number of a response when it has no boxed or stated answer (for benchmarks whose answers are plain numbers).</param>
public sealed record BenchmarkPreset(
    string Name,
    string FileName,
    string QuestionField,
    string AnswerField,
    string? IdField,
    string? GoldMarker,
    int DefaultSamples,
    bool LastNumberFallback);
