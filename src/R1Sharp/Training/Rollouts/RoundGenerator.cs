using R1Sharp.Generation;

namespace R1Sharp.Training.Rollouts;

/// <summary>Generates one round of a multi-turn rollout: one sequence per prompt, in prompt order, honouring the options' stops.</summary>
/// <param name="prompts">Each row's conversation so far.</param>
/// <param name="options">Sampling options of the round (budget, <see cref="SamplingOptions.StopWhen"/>).</param>
/// <param name="seed">The round's seed.</param>
/// <param name="cancellationToken">Stops generation.</param>
public delegate IReadOnlyList<GeneratedSequence> RoundGenerator(IReadOnlyList<IReadOnlyList<int>> prompts, SamplingOptions options, long seed, CancellationToken cancellationToken);
