namespace R1Sharp.Rewards.Format;

/// <summary>One tag found in a completion: which tag, where it starts, and its length in chars.</summary>
internal readonly record struct TagOccurrence(TagKind Kind, int Index, int Length)
{
    /// <summary>Index just past the tag.</summary>
    public int End => Index + Length;
}
