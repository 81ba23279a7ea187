namespace R1Sharp.Rewards.Composition;

/// <summary>A reward function and its weight in the total (TRL's <c>reward_weights</c>).</summary>
/// <param name="Function">The reward function.</param>
/// <param name="Weight">Its weight in the weighted total; any finite value, negative to penalise. Default 1.</param>
public sealed record WeightedReward(IRewardFunction Function, double Weight = 1.0);
