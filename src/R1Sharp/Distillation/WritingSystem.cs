namespace R1Sharp.Distillation;

/// <summary>Writing systems the mixed-language filter tells apart.</summary>
public enum WritingSystem
{
    /// <summary>Latin alphabet (English, French, Vietnamese, ...).</summary>
    Latin,

    /// <summary>Chinese characters and Japanese kana.</summary>
    Cjk,

    /// <summary>Korean Hangul.</summary>
    Hangul,

    /// <summary>Cyrillic.</summary>
    Cyrillic,

    /// <summary>Arabic.</summary>
    Arabic,

    /// <summary>Hebrew.</summary>
    Hebrew,

    /// <summary>Devanagari and the other Indic scripts.</summary>
    Indic,

    /// <summary>Thai.</summary>
    Thai,

    /// <summary>Any other letter.</summary>
    Other,
}
