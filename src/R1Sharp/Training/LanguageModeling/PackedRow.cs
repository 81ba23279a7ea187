namespace R1Sharp.Training.LanguageModeling;

/// <summary>One batch row: the samples laid end to end in it (indices into the tokenized data set).</summary>
/// <param name="Samples">Sample indices, in row order.</param>
/// <param name="Length">Tokens used (sum of the samples' lengths).</param>
public sealed record PackedRow(IReadOnlyList<int> Samples, int Length);
