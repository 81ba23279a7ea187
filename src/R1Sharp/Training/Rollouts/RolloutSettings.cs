using R1Sharp.Generation;

namespace R1Sharp.Training.Rollouts;

/// <summary>Sampling settings of one rollout request.</summary>
/// <param name="MaxNewTokens">Token limit per completion.</param>
/// <param name="Temperature">Sampling temperature.</param>
/// <param name="TopP">Nucleus sampling threshold (1 = off).</param>
/// <param name="EosIds">Ids that end a completion.</param>
/// <param name="Seed">Seed of this request (reproducible sampling).</param>
/// <param name="PadId">Padding id of the tokenizer.</param>
/// <param name="SampleableIds">Ids the tokenizer has: the in-process engine never samples the embedding's padding ids past them (a remote
/// server masks by its own tokenizer; r1 serve does); an id that still arrives decodes to nothing.</param>
public sealed record RolloutSettings(int MaxNewTokens, double Temperature, double TopP, IReadOnlyList<int> EosIds, long Seed, int PadId, SampleableIds SampleableIds)
{
    /// <summary>
    /// A seed per group of prompts (issue 17; default null: <see cref="Seed"/> seeds the request). Honoured by engines whose
    /// <see cref="IRolloutEngine.SeedsEachGroup"/> is true: each group then samples as a request of its own with that seed would.
    /// </summary>
    public GroupSeeds? GroupSeeds { get; init; }
}
