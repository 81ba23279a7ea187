using R1Sharp.Generation;

namespace R1Sharp.Training.Rollouts;

/// <summary>
/// Generates for a long list of prompts in chunks of at most a given size, so the KV cache of one batch stays
/// bounded. Each chunk gets its own seed, so a chunk's samples do not depend on how many chunks came before it.
/// </summary>
public static class ChunkedGeneration
{
    /// <summary>Generates chunk by chunk, yielding each as it is done (so callers can report progress).</summary>
    /// <param name="generator">The generator.</param>
    /// <param name="prompts">All prompts (token ids).</param>
    /// <param name="chunkSize">Most prompts per chunk, at least 1.</param>
    /// <param name="options">Sampling options; their seed is replaced by <paramref name="seedOfChunk"/>.</param>
    /// <param name="seedOfChunk">The seed of a chunk from its (index, start).</param>
    /// <param name="cancellationToken">Stops between and inside chunks.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is below 1.</exception>
    public static IEnumerable<GenerationChunk> Generate(BatchedGenerator generator, IReadOnlyList<IReadOnlyList<int>> prompts, int chunkSize,
        SamplingOptions options, Func<int, int, long> seedOfChunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(seedOfChunk);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        return Chunks(generator, prompts, chunkSize, options, seedOfChunk, cancellationToken);
    }

    /// <summary>Every sequence of every chunk, in prompt order (index i answers prompt i).</summary>
    /// <inheritdoc cref="Generate" path="/param"/>
    public static List<GeneratedSequence> GenerateAll(BatchedGenerator generator, IReadOnlyList<IReadOnlyList<int>> prompts, int chunkSize,
        SamplingOptions options, Func<int, int, long> seedOfChunk, CancellationToken cancellationToken)
    {
        var all = new List<GeneratedSequence>(prompts.Count);
        foreach (var chunk in Generate(generator, prompts, chunkSize, options, seedOfChunk, cancellationToken))
            all.AddRange(chunk.Sequences);
        return all;
    }

    private static IEnumerable<GenerationChunk> Chunks(BatchedGenerator generator, IReadOnlyList<IReadOnlyList<int>> prompts, int chunkSize,
        SamplingOptions options, Func<int, int, long> seedOfChunk, CancellationToken cancellationToken)
    {
        for (int start = 0, index = 0; start < prompts.Count; start += chunkSize, index++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var part = prompts.Skip(start).Take(chunkSize).ToList();
            var sequences = generator.Generate(part, options with { Seed = seedOfChunk(index, start) }, cancellationToken);
            // The generator answers in prompt order already; sorting keeps that a stated guarantee here.
            yield return new GenerationChunk(index, start, [.. sequences.OrderBy(s => s.PromptIndex)]);
        }
    }
}
