namespace R1Sharp.Rewards.Format;

/// <summary>The four tags of the reasoning layout, in the order a well-formatted completion writes them.</summary>
internal enum TagKind
{
    OpenThink = 0,
    CloseThink = 1,
    OpenAnswer = 2,
    CloseAnswer = 3,
}
