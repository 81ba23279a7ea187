using R1Sharp.Text;

namespace R1Sharp.RewardModels;

/// <summary>
/// Scores texts with a <see cref="RewardModel"/> in this process, batched: each text is tokenized with the reward
/// model's tokenizer (special tokens added, as transformers' pipeline does), and a text longer than
/// <c>maxLength</c> tokens keeps its last ones (the score is read at the end). The model is owned and freed here.
/// </summary>
public sealed class LocalRewardModelScorer : IRewardModelScorer
{
    private readonly RewardModel _model;
    private readonly ITextTokenizer _tokenizer;
    private readonly int _batchSize;
    private readonly int _maxLength;

    /// <summary>Creates the scorer; it owns <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="batchSize"/> or <paramref name="maxLength"/> below 1.</exception>
    public LocalRewardModelScorer(RewardModel model, ITextTokenizer tokenizer, int batchSize, int maxLength)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        if (batchSize < 1) throw new ArgumentException($"batch_size must be at least 1 (got {batchSize})");
        if (maxLength < 1) throw new ArgumentException($"max_length must be at least 1 (got {maxLength})");
        (_batchSize, _maxLength) = (batchSize, maxLength);
    }

    /// <inheritdoc />
    public string Description => $"reward model in-process ({_model.Config.ModelType}, {_model.ParameterCount:N0} parameters)";

    /// <summary>The tokens a text is scored on: its encoding, keeping the last <c>maxLength</c>.</summary>
    public IReadOnlyList<int> Tokens(string text, out bool truncated)
    {
        var ids = _tokenizer.Encode(text, addSpecialTokens: true);
        truncated = ids.Count > _maxLength;
        return truncated ? ids.Skip(ids.Count - _maxLength).ToArray() : ids;
    }

    /// <inheritdoc />
    public async Task<RewardModelScoring> ScoreAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        int truncated = 0;
        var sequences = texts.Select(text =>
        {
            var ids = Tokens(text, out bool cut);
            if (cut) truncated++;
            return ids;
        }).ToList();
        var raw = await Task.Run(() => _model.Score(sequences, _tokenizer.PadId, _batchSize, cancellationToken), cancellationToken).ConfigureAwait(false);
        return new RewardModelScoring([.. raw.Select(s => (double?)s)], new string?[texts.Count], truncated, 0);
    }

    /// <summary>Frees the model.</summary>
    public void Dispose() => _model.Dispose();
}
