namespace R1Sharp.Evaluation.Benchmarks;

/// <summary>A benchmark to run: its file and how to read it (a preset with the user's overrides applied).</summary>
/// <param name="Name">Name used in results (the output subdirectory and the summary row); letters, digits, '-', '_' and '.'.</param>
/// <param name="DataPath">JSONL (one object per line) or JSON (an array of objects) file.</param>
/// <param name="QuestionField">Field holding the problem statement.</param>
/// <param name="AnswerField">Field holding the gold answer.</param>
/// <param name="IdField">Field holding a unique question id, or null to use the 1-based row number.</param>
/// <param name="GoldMarker">When set, the gold answer is the text after the last occurrence of this marker (GSM8K: <c>####</c>).</param>
/// <param name="Samples">k: samples per question.</param>
/// <param name="LastNumberFallback">Let the judge fall back to the response's last number (only for presets with plain-number answers).</param>
public sealed record BenchmarkDefinition(
    string Name,
    string DataPath,
    string QuestionField,
    string AnswerField,
    string? IdField,
    string? GoldMarker,
    int Samples,
    bool LastNumberFallback)
{
    /// <summary>A definition from a preset, reading <paramref name="dataPath"/>, with the preset's default k unless <paramref name="samples"/> is given.</summary>
    public static BenchmarkDefinition FromPreset(BenchmarkPreset preset, string dataPath, int? samples = null)
    {
        ArgumentNullException.ThrowIfNull(preset);
        return new BenchmarkDefinition(preset.Name, dataPath, preset.QuestionField, preset.AnswerField, preset.IdField,
            preset.GoldMarker, samples ?? preset.DefaultSamples, preset.LastNumberFallback);
    }
}
