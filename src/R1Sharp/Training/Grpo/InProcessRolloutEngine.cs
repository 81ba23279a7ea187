using R1Sharp.Generation;
using R1Sharp.Models;

namespace R1Sharp.Training.Grpo;

/// <summary>Samples with the policy itself through <see cref="BatchedGenerator"/>, in chunks of at most <paramref name="maxBatchSize"/> sequences.</summary>
/// <param name="policy">The model being trained (shared, so updates are seen immediately).</param>
/// <param name="maxBatchSize">Most sequences generated at once (bounds KV-cache memory). Default 256.</param>
public sealed class InProcessRolloutEngine(CausalLanguageModel policy, int maxBatchSize = 256) : IRolloutEngine
{
    private readonly BatchedGenerator _generator = new(policy);

    /// <inheritdoc />
    public Task<IReadOnlyList<Rollout>> GenerateAsync(IReadOnlyList<IReadOnlyList<int>> prompts, RolloutSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(settings);
        var results = new List<Rollout>(prompts.Count);
        for (int start = 0, chunk = 0; start < prompts.Count; start += maxBatchSize, chunk++)
        {
            var part = prompts.Skip(start).Take(maxBatchSize).ToList();
            var options = new SamplingOptions
            {
                MaxNewTokens = settings.MaxNewTokens,
                Temperature = settings.Temperature,
                TopP = settings.TopP,
                EosIds = settings.EosIds,
                PadId = settings.PadId,
                Seed = settings.Seed + chunk * 7_777L,
            };
            foreach (var s in _generator.Generate(part, options, cancellationToken))
                results.Add(new Rollout(start + s.PromptIndex, s.Tokens, s.LogProbs, s.FinishReason == FinishReason.Length));
        }
        return Task.FromResult<IReadOnlyList<Rollout>>(results);
    }

    /// <inheritdoc />
    public Task OnPolicyUpdatedAsync(int step, CancellationToken cancellationToken) => Task.CompletedTask;
}
