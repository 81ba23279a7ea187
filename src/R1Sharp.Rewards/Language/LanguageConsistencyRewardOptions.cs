using R1Sharp.Rewards.Format;

namespace R1Sharp.Rewards.Language;

/// <summary>Options of <see cref="LanguageConsistencyReward"/>.</summary>
public sealed record LanguageConsistencyRewardOptions
{
    /// <summary>The language the reasoning should be written in. Default <see cref="ReasoningLanguage.English"/>.</summary>
    public ReasoningLanguage Target { get; init; } = ReasoningLanguage.English;

    /// <summary>
    /// A data-set row field that holds each row's target language (a code such as <c>zh</c> or a name), used instead of
    /// <see cref="Target"/> when the row has it. Default null (every row uses <see cref="Target"/>). An unknown value is
    /// an error naming the field, rather than a silent fallback that would reward the wrong language.
    /// </summary>
    public string? LanguageField { get; init; }

    /// <summary>What is measured. Default <see cref="LanguageSection.Thinking"/>, as in DeepSeek-R1.</summary>
    public LanguageSection Section { get; init; } = LanguageSection.Thinking;

    /// <summary>Where <c>&lt;think&gt;</c> is opened. Default <see cref="ThinkOpening.Auto"/> (detected from the prompt).</summary>
    public ThinkOpening ThinkOpening { get; init; } = ThinkOpening.Auto;

    /// <summary>Tag names; only the think tag is used. Default <c>think</c>.</summary>
    public ReasoningTags Tags { get; init; } = ReasoningTags.Default;
}
