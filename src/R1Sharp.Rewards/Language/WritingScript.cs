namespace R1Sharp.Rewards.Language;

/// <summary>The writing system of one counted word.</summary>
public enum WritingScript
{
    /// <summary>Latin letters (English and other Latin-script languages).</summary>
    Latin,

    /// <summary>Han characters (Chinese hanzi, Japanese kanji); each character is one word.</summary>
    Han,

    /// <summary>Hiragana and katakana; each character is one word.</summary>
    Kana,

    /// <summary>Hangul syllables and jamo; a run of them is one word (Korean separates words with spaces).</summary>
    Hangul,

    /// <summary>Cyrillic letters.</summary>
    Cyrillic,

    /// <summary>Letters of any other script (Greek, Arabic, Devanagari, …).</summary>
    Other,
}
