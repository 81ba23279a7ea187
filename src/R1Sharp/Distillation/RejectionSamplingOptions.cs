namespace R1Sharp.Distillation;

/// <summary>
/// Which rejection-sampling rules apply (DeepSeek-R1 paper §2.3.3: keep correct responses; drop mixed
/// languages, long paragraphs and code blocks in the reasoning; this project adds truncation and duplicates).
/// </summary>
public sealed record RejectionSamplingOptions
{
    /// <summary>Keep only responses the correctness reward accepts. Default true (R1).</summary>
    public bool RequireCorrect { get; init; } = true;

    /// <summary>Reward that judges correctness. Default <c>accuracy</c>.</summary>
    public string CorrectnessReward { get; init; } = "accuracy";

    /// <summary>Lowest correctness score kept. Default 1.0.</summary>
    public double CorrectnessThreshold { get; init; } = 1.0;

    /// <summary>Drop responses cut at the token limit or without a closed <c>&lt;/think&gt;</c>. Default true.</summary>
    public bool DropTruncated { get; init; } = true;

    /// <summary>Drop mixed-language reasoning. Default true (R1).</summary>
    public bool DropMixedLanguage { get; init; } = true;

    /// <summary>Largest share of letters outside the reasoning's main script. Default 0.01.</summary>
    public double MaxForeignLetterShare { get; init; } = 0.01;

    /// <summary>Required main script of the reasoning, or null for any. Default null.</summary>
    public WritingSystem? RequiredScript { get; init; }

    /// <summary>Longest reasoning paragraph in characters; 0 disables the rule. Default 3,000 (R1 drops "long paragraphs" without a number).</summary>
    public int MaxParagraphCharacters { get; init; } = 3000;

    /// <summary>Drop responses with fenced code blocks in the reasoning. Default true (R1).</summary>
    public bool DropCodeInReasoning { get; init; } = true;

    /// <summary>Drop exact and near-duplicate responses of the same prompt. Default true.</summary>
    public bool Deduplicate { get; init; } = true;

    /// <summary>Word-3-gram Jaccard similarity from which responses are near-duplicates. Default 0.9.</summary>
    public double NearDuplicateJaccard { get; init; } = 0.9;

    /// <summary>At most this many responses kept per prompt (0 = no limit). Default 4.</summary>
    public int MaxPerPrompt { get; init; } = 4;

    /// <summary>The per-response filters in the order they are applied (a dropped response counts under the first rule it fails).</summary>
    public IReadOnlyList<IResponseFilter> BuildFilters()
    {
        var filters = new List<IResponseFilter>();
        if (DropTruncated) filters.Add(new TruncationFilter());
        if (RequireCorrect) filters.Add(new CorrectnessFilter(CorrectnessReward, CorrectnessThreshold));
        if (DropMixedLanguage) filters.Add(new MixedLanguageFilter(MaxForeignLetterShare, RequiredScript));
        if (MaxParagraphCharacters > 0) filters.Add(new LongParagraphFilter(MaxParagraphCharacters));
        if (DropCodeInReasoning) filters.Add(new CodeBlockFilter());
        return filters;
    }
}
