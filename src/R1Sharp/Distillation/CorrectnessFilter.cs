namespace R1Sharp.Distillation;

/// <summary>
/// Keeps only responses judged correct: the named reward (by default the verifier-backed <c>accuracy</c> reward)
/// must reach the threshold. DeepSeek-R1 keeps only correct responses of its rejection sampling (paper §2.3.3).
/// A response the reward did not score (no gold answer, unparsable gold) is dropped: its correctness is unknown.
/// </summary>
/// <param name="RewardName">Reward whose score decides. Default <c>accuracy</c>.</param>
/// <param name="Threshold">Lowest score that counts as correct. Default 1.0 (binary accuracy).</param>
public sealed record CorrectnessFilter(string RewardName = "accuracy", double Threshold = 1.0) : IResponseFilter
{
    /// <inheritdoc />
    public string Name => "incorrect";

    /// <inheritdoc />
    public bool Keep(SampledResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Rewards.TryGetValue(RewardName, out var score) && score is { } value && value >= Threshold;
    }
}
