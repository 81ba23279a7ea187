namespace R1Sharp.Pipeline;

/// <summary>summary.json of <c>r1 pipeline</c>.</summary>
public sealed record PipelineSummary
{
    /// <summary>Every stage's figures, base first.</summary>
    public required IReadOnlyList<StageFigures> Stages { get; init; }

    /// <summary>Wall seconds of the whole run (this process; a resumed run adds the earlier stages' training seconds).</summary>
    public required double Seconds { get; init; }

    /// <summary>CPU seconds of this process.</summary>
    public required double CpuSeconds { get; init; }

    /// <summary>Each stage's effect on each quantity against the previous stage, with paired-bootstrap intervals.</summary>
    public required IReadOnlyList<StageEffect> Effects { get; init; }

    /// <summary>Stage 2 with and without the language reward (null when the ablation was off).</summary>
    public LanguageAblation? LanguageAblation { get; init; }

    /// <summary>More figures per stage: mixed_language_rate, format, chat_judge, seconds, and stage counts.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Details { get; init; }

    /// <summary>The run's seed.</summary>
    public required int Seed { get; init; }

    /// <summary>Held-out reasoning problems, held-out chat prompts and k.</summary>
    public required IReadOnlyDictionary<string, int> Evaluation { get; init; }
}
