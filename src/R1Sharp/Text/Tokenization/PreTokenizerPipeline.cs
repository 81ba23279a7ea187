namespace R1Sharp.Text.Tokenization;

/// <summary>
/// tokenizer.json's <c>pre_tokenizer</c> for byte-level BPE: regex splits applied in order (each one splits the
/// pieces of the previous), and ByteLevel's optional prefix space.
/// </summary>
internal sealed class PreTokenizerPipeline
{
    public PreTokenizerPipeline(IReadOnlyList<SplitPattern> splits, bool addPrefixSpace)
    {
        Splits = splits;
        AddPrefixSpace = addPrefixSpace;
    }

    public IReadOnlyList<SplitPattern> Splits { get; }

    public bool AddPrefixSpace { get; }

    public IEnumerable<string> Split(string segment)
    {
        if (AddPrefixSpace && segment.Length > 0 && segment[0] != ' ') segment = " " + segment;
        IEnumerable<string> pieces = [segment];
        foreach (var split in Splits)
        {
            var current = split;
            pieces = pieces.SelectMany(current.Split);
        }
        return pieces;
    }
}
