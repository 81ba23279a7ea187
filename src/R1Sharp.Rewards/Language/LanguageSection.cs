namespace R1Sharp.Rewards.Language;

/// <summary>Which part of a completion <see cref="LanguageConsistencyReward"/> measures.</summary>
public enum LanguageSection
{
    /// <summary>The chain of thought inside the think tags (DeepSeek-R1 §2.3.2).</summary>
    Thinking,

    /// <summary>The whole completion (for models or tasks without a reasoning block).</summary>
    Completion,
}
