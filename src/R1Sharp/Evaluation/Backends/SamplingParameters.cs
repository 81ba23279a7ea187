namespace R1Sharp.Evaluation.Backends;

/// <summary>How a backend samples. Defaults are DeepSeek-R1's evaluation settings (RECIPE.md §6).</summary>
public sealed record SamplingParameters
{
    /// <summary>Softmax temperature. Default 0.6 (DeepSeek-R1 evaluation; the paper warns that greedy decoding repeats itself).</summary>
    public double Temperature { get; init; } = 0.6;

    /// <summary>Nucleus sampling mass. Default 0.95 (DeepSeek-R1 evaluation).</summary>
    public double TopP { get; init; } = 0.95;

    /// <summary>Most tokens generated per response. Default 32,768 (DeepSeek-R1's maximum generation length); backends cap it by the model's context.</summary>
    public int MaxTokens { get; init; } = 32_768;

    /// <summary>Random seed for the request, or null to let the backend choose. Servers that honour it (vLLM, OpenAI) make a rerun repeatable.</summary>
    public long? Seed { get; init; }
}
