using System.Text.Json;

namespace R1Sharp.Rewards.Tests;

/// <summary>Builds RewardInput values for tests.</summary>
internal static class Inputs
{
    /// <summary>The R1-Zero template's ending: the completion starts right after "Assistant:".</summary>
    public const string ZeroPrompt = "A conversation between User and Assistant. ... User: What is 1+1?. Assistant:";

    /// <summary>An R1-Distill chat prompt, which opens the reasoning itself.</summary>
    public const string DistillPrompt = "<｜User｜>What is 1+1?<｜Assistant｜><think>\n";

    public static RewardInput Of(string completion, string prompt = ZeroPrompt, int tokens = -1, bool truncated = false,
        IReadOnlyDictionary<string, JsonElement>? row = null) =>
        new(prompt, completion, row ?? new Dictionary<string, JsonElement>(),
            tokens >= 0 ? tokens : completion.Length, truncated);

    public static IReadOnlyDictionary<string, JsonElement> Row(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
    }

    public static double? Score(this IRewardFunction reward, RewardInput input) =>
        reward.ScoreAsync(input).AsTask().GetAwaiter().GetResult();
}
