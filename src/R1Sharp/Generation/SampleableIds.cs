using R1Sharp.TorchInterop;
using R1Sharp.Text;
using static TorchSharp.torch;

namespace R1Sharp.Generation;

/// <summary>
/// The token ids a sampler may pick: those below <see cref="Count"/>, the ids the tokenizer has. Checkpoints pad the
/// embedding past the tokenizer (Qwen2.5: <c>vocab_size</c> 151,936, tokenizer 151,665) so that the matrix divides
/// evenly across devices; the padding rows are never trained down, so a random or briefly trained model gives them
/// real probability. Like vLLM, sampling sets their logits to -infinity, so no sampled id is one the tokenizer lacks.
/// </summary>
public sealed record SampleableIds
{
    /// <summary>Ids 0 to <paramref name="count"/> - 1 may be sampled.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    public SampleableIds(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Count = count;
    }

    /// <summary>How many ids may be sampled: ids 0 to Count - 1.</summary>
    public int Count { get; }

    /// <summary>The ids <paramref name="tokenizer"/> can decode (its base vocabulary plus added tokens).</summary>
    public static SampleableIds Of(ITextTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return new SampleableIds(tokenizer.VocabSize);
    }

    /// <summary>Whether <paramref name="id"/> may be sampled.</summary>
    public bool Contains(int id) => id >= 0 && id < Count;

    /// <summary>
    /// <paramref name="logits"/> [..., V] with every id at or above <see cref="Count"/> set to -infinity; a new
    /// tensor, or <paramref name="logits"/> itself when V &lt;= Count (nothing to mask).
    /// </summary>
    public Tensor Mask(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        long width = logits.shape[^1];
        if (width <= Count) return logits;
        var masked = logits.clone();
        masked.narrow(-1, Count, width - Count).fill_(HeldScalars.NegativeInfinity);
        return masked;
    }
}
