namespace R1Sharp.Rewards.Repetition;

/// <summary>
/// N-gram repetition penalty (Yeo et al. 2025, "Demystifying Long CoT", appendix C.2; open-r1
/// <c>repetition_penalty</c>): (1 − distinct n-grams / all n-grams) × MaxPenalty. Score range: [MaxPenalty, 0];
/// 0 for no repetition and for completions shorter than one n-gram; never null.
/// </summary>
/// <remarks>
/// Words are the completion's whitespace-separated pieces, lower-cased (invariant culture), with each Han or
/// kana character a word of its own so that Chinese and Japanese, written without spaces, are measured too
/// (open-r1 needs the jieba segmenter for that).
/// </remarks>
public sealed class RepetitionPenaltyReward : IRewardFunction
{
    // Up to three word ids of 21 bits each fit in one long, the fast path for the usual n <= 3.
    private const int PackedNgramLimit = 3;
    private const int BitsPerWord = 21;
    private readonly RepetitionPenaltyRewardOptions _options;

    /// <summary>Creates the reward.</summary>
    /// <param name="options">Options; null for n = 3 and a maximum penalty of −1.</param>
    /// <exception cref="ArgumentException">NgramSize is below 1, or MaxPenalty is positive or not finite.</exception>
    public RepetitionPenaltyReward(RepetitionPenaltyRewardOptions? options = null)
    {
        _options = options ?? new RepetitionPenaltyRewardOptions();
        if (_options.NgramSize < 1)
            throw new ArgumentException($"NgramSize = {_options.NgramSize}; it must be at least 1.", nameof(options));
        if (!double.IsFinite(_options.MaxPenalty) || _options.MaxPenalty > 0)
            throw new ArgumentException($"MaxPenalty = {_options.MaxPenalty}; it must be finite and <= 0.", nameof(options));
    }

    /// <inheritdoc />
    public string Name => "repetition";

    /// <summary>The options this reward was created with.</summary>
    public RepetitionPenaltyRewardOptions Options => _options;

    /// <inheritdoc />
    public ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ValueTask.FromResult<double?>(Penalty(input.Completion, cancellationToken));
    }

    /// <summary>The penalty of <paramref name="text"/>.</summary>
    public double Penalty(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        int[] ids = NgramWords.Ids(text);
        int n = _options.NgramSize;
        int total = ids.Length - n + 1;
        if (total <= 0) return 0.0;

        int distinct = n <= PackedNgramLimit && ids.Length < 1 << BitsPerWord
            ? CountPacked(ids, n, total, cancellationToken)
            : CountWindows(ids, n, total, cancellationToken);
        double scaling = 1.0 - (double)distinct / total;
        return scaling * _options.MaxPenalty + 0.0;   // + 0.0 turns -0 into 0
    }

    private static int CountPacked(int[] ids, int n, int total, CancellationToken cancellationToken)
    {
        var distinct = new HashSet<long>(total);
        for (int i = 0; i < total; i++)
        {
            if ((i & 0xFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
            long key = 0;
            for (int k = 0; k < n; k++) key = (key << BitsPerWord) | (uint)ids[i + k];
            distinct.Add(key);
        }
        return distinct.Count;
    }

    private static int CountWindows(int[] ids, int n, int total, CancellationToken cancellationToken)
    {
        var distinct = new HashSet<int>(total, new NgramWindowComparer(ids, n));
        for (int i = 0; i < total; i++)
        {
            if ((i & 0xFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
            distinct.Add(i);
        }
        return distinct.Count;
    }
}
