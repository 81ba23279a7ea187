using R1Sharp.Generation;

namespace R1Sharp.Training.Rollouts;

/// <summary>One chunk of a <see cref="ChunkedGeneration"/> run.</summary>
/// <param name="Index">The chunk's number, from 0.</param>
/// <param name="Start">Position of its first prompt in the whole list; a sequence's prompt is <c>Start + PromptIndex</c>.</param>
/// <param name="Sequences">The chunk's sequences, in prompt order (<see cref="GeneratedSequence.PromptIndex"/> counts from the chunk's start).</param>
public sealed record GenerationChunk(int Index, int Start, IReadOnlyList<GeneratedSequence> Sequences);
