namespace R1Sharp.Rewards.Tests;

/// <summary>A reward that always returns the same score, standing in for accuracy.</summary>
internal sealed class FixedReward(double? score, string name = "fixed") : IRewardFunction
{
    public string Name => name;

    public ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(score);
}
