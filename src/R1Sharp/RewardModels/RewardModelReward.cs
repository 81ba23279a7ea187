using R1Sharp.Rewards;
using R1Sharp.Rewards.Composition;
using R1Sharp.Text;

namespace R1Sharp.RewardModels;

/// <summary>
/// A reward from a trained reward model, scored in-process and batched: the text is the prompt as the policy saw
/// it followed by the chosen <see cref="CompletionSection"/> of the completion (TRL's standard form: prompt +
/// response), tokenized with the reward model's tokenizer; a text longer than <c>max_length</c> keeps its last tokens
/// (the score is read at the end). Scores are then normalised (<see cref="ScoreNormalization"/>). The model is owned
/// and freed with the reward.
/// </summary>
public sealed class RewardModelReward : IBatchRewardFunction, IDisposable
{
    private readonly RewardModel _model;
    private readonly ITextTokenizer _tokenizer;
    private readonly RewardModelRewardOptions _options;

    /// <summary>Creates the reward; it owns <paramref name="model"/>.</summary>
    public RewardModelReward(RewardModel model, ITextTokenizer tokenizer, RewardModelRewardOptions options)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.BatchSize < 1) throw new ArgumentException($"batch_size must be at least 1 (got {options.BatchSize})");
        if (options.MaxLength < 1) throw new ArgumentException($"max_length must be at least 1 (got {options.MaxLength})");
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <inheritdoc />
    public async Task<BatchRewardResult> ScoreBatchAsync(IReadOnlyList<RewardInput> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        int truncated = 0;
        var sequences = inputs.Select(input =>
        {
            var ids = _tokenizer.Encode(input.Prompt + CompletionSections.Select(input.Completion, _options.Section), addSpecialTokens: true);
            if (ids.Count <= _options.MaxLength) return ids;
            Interlocked.Increment(ref truncated);
            return ids.Skip(ids.Count - _options.MaxLength).ToArray();
        }).ToList();
        var raw = await Task.Run(() => _model.Score(sequences, _tokenizer.PadId, _options.BatchSize, cancellationToken), cancellationToken).ConfigureAwait(false);
        var scores = ScoreNormalizer.Apply([.. raw.Select(s => (double?)s)], [.. inputs.Select(i => i.Prompt)], _options.Normalization);
        var counters = new Dictionary<string, double>(StringComparer.Ordinal) { [$"{Name}/truncated"] = truncated };
        return new BatchRewardResult(scores, counters);
    }

    /// <inheritdoc />
    public async ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default) =>
        (await ScoreBatchAsync([input], cancellationToken).ConfigureAwait(false)).Scores[0];

    /// <summary>Frees the model.</summary>
    public void Dispose() => _model.Dispose();
}
