namespace R1Sharp.Evaluation.Benchmarks;

/// <summary>One question of a benchmark, read and validated.</summary>
/// <param name="Id">Unique id within the benchmark.</param>
/// <param name="Question">The problem statement, without the usage prompt.</param>
/// <param name="Gold">The gold answer.</param>
/// <param name="Line">1-based line (JSONL) or record number (JSON) in the data file, for error messages.</param>
public sealed record BenchmarkQuestion(string Id, string Question, string Gold, int Line);
