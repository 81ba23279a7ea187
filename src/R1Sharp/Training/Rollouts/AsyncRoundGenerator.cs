using R1Sharp.Generation;

namespace R1Sharp.Training.Rollouts;

/// <summary>
/// <see cref="RoundGenerator"/> for generators that wait on I/O, such as an OpenAI-compatible server that samples the
/// round (<c>r1 eval --tools --endpoint</c>, issue 20): one sequence per prompt, in prompt order, honouring the options' stops.
/// </summary>
/// <param name="prompts">Each row's conversation so far.</param>
/// <param name="options">Sampling options of the round (budget, <see cref="SamplingOptions.StopWhen"/>).</param>
/// <param name="seed">The round's seed.</param>
/// <param name="cancellationToken">Stops generation.</param>
public delegate Task<IReadOnlyList<GeneratedSequence>> AsyncRoundGenerator(IReadOnlyList<IReadOnlyList<int>> prompts, SamplingOptions options, long seed, CancellationToken cancellationToken);
