using R1Sharp.Training.LanguageModeling;

namespace R1Sharp.Training.Sft;

/// <summary>Tokenized, masked training and validation samples, ready for packing.</summary>
/// <param name="Train">Training samples.</param>
/// <param name="Validation">Held-out samples (may be empty).</param>
/// <param name="Truncated">Samples cut to the maximum length.</param>
/// <param name="Dropped">Samples left out (too long with <see cref="SftOptions.DropOverlongSamples"/>, or no
/// assistant token left after truncation).</param>
public sealed record SftDataset(IReadOnlyList<TokenizedSequence> Train, IReadOnlyList<TokenizedSequence> Validation, int Truncated, int Dropped)
{
    /// <summary>Tokenizes, masks, truncates and splits conversations.</summary>
    /// <param name="conversations">Training conversations.</param>
    /// <param name="masker">Tokenizer + template.</param>
    /// <param name="options">Length, overlong policy, validation fraction and seed.</param>
    /// <param name="validation">Separate validation conversations; when given, no training data is held out.</param>
    /// <param name="cancellationToken">Cancels tokenization.</param>
    public static SftDataset Build(IReadOnlyList<Conversation> conversations, AssistantLossMask masker, SftOptions options,
        IReadOnlyList<Conversation>? validation = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        ArgumentNullException.ThrowIfNull(masker);
        ArgumentNullException.ThrowIfNull(options);
        int truncated = 0, dropped = 0;
        var tokenized = new TokenizedSequence?[conversations.Count];
        // Tokenization is CPU-bound and independent per row.
        Parallel.For(0, conversations.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            tokenized[i] = Fit(masker.Tokenize(conversations[i]), options, ref truncated, ref dropped);
        });
        var kept = tokenized.Where(t => t is not null).Select(t => t!).ToList();

        List<TokenizedSequence> heldOut;
        if (validation is not null)
        {
            heldOut = [.. validation.Select(c => Fit(masker.Tokenize(c), options, ref truncated, ref dropped)).Where(t => t is not null).Select(t => t!)];
        }
        else
        {
            int count = (int)Math.Round(kept.Count * options.ValidationFraction);
            if (options.ValidationFraction > 0 && count == 0 && kept.Count >= 2) count = 1;
            int[] order = [.. Enumerable.Range(0, kept.Count)];
            new Random(options.Seed).Shuffle(order);
            var held = order.Take(count).ToHashSet();
            heldOut = [.. held.Order().Select(i => kept[i])];
            kept = [.. kept.Where((_, i) => !held.Contains(i))];
        }
        if (kept.Count == 0)
            throw new InvalidOperationException("no training samples are left (all were held out, too long, or had no assistant tokens)");
        return new SftDataset(kept, heldOut, truncated, dropped);
    }

    private static TokenizedSequence? Fit(TokenizedSequence sample, SftOptions options, ref int truncated, ref int dropped)
    {
        if (sample.Length > options.MaxLength)
        {
            if (options.DropOverlongSamples)
            {
                Interlocked.Increment(ref dropped);
                return null;
            }
            Interlocked.Increment(ref truncated);
            sample = sample with { Ids = sample.Ids[..options.MaxLength], Trainable = sample.Trainable[..options.MaxLength] };
        }
        // Token 0 is never a target (nothing precedes it), so a sample needs a trainable token after it.
        if (!sample.Trainable.Skip(1).Any(t => t))
        {
            Interlocked.Increment(ref dropped);
            return null;
        }
        return sample;
    }
}
