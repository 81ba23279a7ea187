namespace R1Sharp.Pipeline;

/// <summary>
/// The generative judge of stage 3's chat data (DeepSeek-R1 §2.3.3 judges non-verifiable answers with DeepSeek-V3): an
/// LLM behind an OpenAI-compatible endpoint (vLLM, a hosted API, <c>r1 serve</c>) asked for a verdict on each written
/// chat candidate (<see cref="R1Sharp.RewardModels.JudgeReward"/>, verdict mode, the whole response); a candidate it
/// accepts is kept. Without one the trained reward model chooses the chat data.
/// </summary>
/// <param name="Endpoint">The API's base URL (e.g. <c>http://localhost:8000/v1</c>) or its full chat completions URL.</param>
/// <param name="Model">The judge's model name on the server.</param>
public sealed record PipelineJudge(Uri Endpoint, string Model)
{
    /// <summary>The judge's retries of a failed request (the backend's backoff).</summary>
    public int Retries { get; init; } = 2;
}
