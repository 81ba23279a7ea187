using System.Text.Json;

namespace R1Sharp.Evaluation.Benchmarks;

/// <summary>One raw record of a benchmark file, before its fields are interpreted.</summary>
/// <param name="Line">1-based line (JSONL) or record number (JSON array).</param>
/// <param name="Fields">The record's fields.</param>
public sealed record BenchmarkRow(int Line, IReadOnlyDictionary<string, JsonElement> Fields);
