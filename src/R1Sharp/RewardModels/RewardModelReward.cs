using R1Sharp.Rewards;
using R1Sharp.Rewards.Composition;

namespace R1Sharp.RewardModels;

/// <summary>
/// A reward from a trained reward model, batched: the text is the prompt as the policy saw it followed by the chosen
/// <see cref="CompletionSection"/> of the completion (TRL's standard form: prompt + response), scored in-process
/// (<see cref="LocalRewardModelScorer"/>) or by a server (<see cref="ClassifyEndpointScorer"/>). A completion the
/// scorer failed on is counted (<c>&lt;name&gt;/failures</c>) and handled by <see cref="RewardModelRewardOptions.OnFailure"/>,
/// never scored as a silent 0. Scores are then normalised (<see cref="ScoreNormalization"/>). The scorer is owned
/// and freed with the reward.
/// </summary>
public sealed class RewardModelReward : IBatchRewardFunction, IDisposable
{
    private readonly IRewardModelScorer _scorer;
    private readonly RewardModelRewardOptions _options;

    /// <summary>Creates the reward; it owns <paramref name="scorer"/>.</summary>
    public RewardModelReward(IRewardModelScorer scorer, RewardModelRewardOptions options)
    {
        _scorer = scorer ?? throw new ArgumentNullException(nameof(scorer));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (!double.IsFinite(options.Fallback)) throw new ArgumentException($"fallback must be finite (got {options.Fallback})");
    }

    /// <summary>Creates an in-process reward; it owns <paramref name="model"/>.</summary>
    public RewardModelReward(RewardModel model, Text.ITextTokenizer tokenizer, RewardModelRewardOptions options)
        : this(new LocalRewardModelScorer(model, tokenizer, (options ?? throw new ArgumentNullException(nameof(options))).BatchSize, options.MaxLength), options)
    {
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <summary>Where the scores come from.</summary>
    public string Description => _scorer.Description;

    /// <inheritdoc />
    public async Task<BatchRewardResult> ScoreBatchAsync(IReadOnlyList<RewardInput> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var texts = inputs.Select(input => input.Prompt + CompletionSections.Select(input.Completion, _options.Section)).ToArray();
        var scoring = await _scorer.ScoreAsync(texts, cancellationToken).ConfigureAwait(false);
        var raw = scoring.Scores.ToArray();
        // Failures are filled before normalising, so that a group's statistics are those of the scored completions.
        int failures = FailedScores.Apply(raw, inputs, scoring.Problems, _options.OnFailure, _options.Fallback, $"reward model '{Name}' ({_scorer.Description})");
        var scores = ScoreNormalizer.Apply(raw, [.. inputs.Select(i => i.Prompt)], _options.Normalization);
        var counters = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [$"{Name}/truncated"] = scoring.Truncated,
            [$"{Name}/failures"] = failures,
            [$"{Name}/requests"] = scoring.Requests,
        };
        return new BatchRewardResult(scores, counters);
    }

    /// <inheritdoc />
    public async ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default) =>
        (await ScoreBatchAsync([input], cancellationToken).ConfigureAwait(false)).Scores[0];

    /// <summary>Frees the scorer (and its model).</summary>
    public void Dispose() => _scorer.Dispose();
}
