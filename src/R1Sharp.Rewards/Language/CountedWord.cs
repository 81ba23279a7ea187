namespace R1Sharp.Rewards.Language;

/// <summary>A word that language consistency counts: its script and where it stands in the text.</summary>
/// <param name="Script">The word's writing system.</param>
/// <param name="Index">Start index in the analysed text (UTF-16 units).</param>
/// <param name="Length">Length in UTF-16 units.</param>
public readonly record struct CountedWord(WritingScript Script, int Index, int Length);
