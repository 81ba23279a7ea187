namespace R1Sharp.Training.LanguageModeling;

/// <summary>A training sequence as token ids, with the loss mask: <c>Trainable[t]</c> is true when token <c>t</c> is a
/// target of the loss (predicted from the tokens before it): the assistant turns of an SFT conversation, the
/// completion of a pre-training document.</summary>
/// <param name="Ids">Token ids of the whole sequence.</param>
/// <param name="Trainable">Same length as <paramref name="Ids"/>; true on target tokens only.</param>
/// <param name="Location">Where it came from ("file:line" of the source row, or a document number).</param>
public sealed record TokenizedSequence(int[] Ids, bool[] Trainable, string Location)
{
    /// <summary>Number of tokens.</summary>
    public int Length => Ids.Length;

    /// <summary>Number of tokens that carry loss.</summary>
    public int TrainableCount => Trainable.Count(t => t);
}
