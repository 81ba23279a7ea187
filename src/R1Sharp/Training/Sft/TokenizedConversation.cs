namespace R1Sharp.Training.Sft;

/// <summary>A conversation as token ids, with the loss mask: <c>Trainable[t]</c> is true when token <c>t</c>
/// belongs to an assistant turn and so is a target of the loss (predicted from tokens before it).</summary>
/// <param name="Ids">Token ids of the whole rendered conversation.</param>
/// <param name="Trainable">Same length as <paramref name="Ids"/>; true on assistant tokens only.</param>
/// <param name="Location">"file:line" of the source row.</param>
public sealed record TokenizedConversation(int[] Ids, bool[] Trainable, string Location)
{
    /// <summary>Number of tokens.</summary>
    public int Length => Ids.Length;

    /// <summary>Number of tokens that carry loss.</summary>
    public int TrainableCount => Trainable.Count(t => t);
}
