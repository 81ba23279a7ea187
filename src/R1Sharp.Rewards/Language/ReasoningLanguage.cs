namespace R1Sharp.Rewards.Language;

/// <summary>
/// A target language of <see cref="LanguageConsistencyReward"/>. Languages are told apart by writing system, so
/// "English" accepts every Latin-script word (a French word counts as English): the mixing the R1 paper fights is
/// between scripts (Chinese inside English reasoning and the reverse).
/// </summary>
public enum ReasoningLanguage
{
    /// <summary>Latin-script words (code <c>en</c>).</summary>
    English,

    /// <summary>Han characters, one word per character (code <c>zh</c>).</summary>
    Chinese,

    /// <summary>Kana and Han characters, one word per character (code <c>ja</c>).</summary>
    Japanese,

    /// <summary>Hangul words (code <c>ko</c>).</summary>
    Korean,

    /// <summary>Cyrillic words (code <c>ru</c>).</summary>
    Russian,
}
