namespace R1Sharp.Training.LanguageModeling;

/// <summary>How samples are laid out in a batch so that little compute goes to padding.</summary>
public enum SequenceLayout
{
    /// <summary>Several samples share a row (first-fit decreasing into rows of <c>MaxLength</c>); attention is
    /// block-diagonal causal and positions restart per sample, so samples never see each other (TRL's
    /// <c>padding_free</c> packing). Needs a model that takes position ids and a 4-D mask.</summary>
    Packed,

    /// <summary>One sample per row; rows of similar length are batched together (transformers'
    /// <c>group_by_length</c>). Works with any model that takes a padding mask.</summary>
    Bucketed,
}
