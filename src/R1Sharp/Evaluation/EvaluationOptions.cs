using R1Sharp.Evaluation.Backends;
using R1Sharp.Training.Rollouts;

namespace R1Sharp.Evaluation;

/// <summary>The evaluation protocol's settings. Defaults follow DeepSeek-R1's evaluation (RECIPE.md §6).</summary>
public sealed record EvaluationOptions
{
    /// <summary>The usage advice for R1 models on math, appended to every question on its own line. Default per the DeepSeek-R1 model card.</summary>
    public const string R1MathInstruction = "Please reason step by step, and put your final answer within \\boxed{}.";

    /// <summary>Sampling settings. Default temperature 0.6, top-p 0.95, 32,768 max tokens (DeepSeek-R1 evaluation).</summary>
    public SamplingParameters Sampling { get; init; } = new();

    /// <summary>Text appended to each question after a newline; empty for none. Default <see cref="R1MathInstruction"/>.</summary>
    public string PromptSuffix { get; init; } = R1MathInstruction;

    /// <summary>System prompt, or null for none. Default null: DeepSeek-R1's usage advice is to put every instruction in the user turn.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Requests in flight at once. Default 8; raise it for a large vLLM deployment, 1 for the in-process model.</summary>
    public int MaxConcurrentRequests { get; init; } = 8;

    /// <summary>
    /// Most samples asked for in one request (OpenAI's <c>n</c>); a question's k samples are split into requests of
    /// this size. Default 16. Set 1 for servers without <c>n</c> support (llama.cpp) or to get exact per-sample token counts.
    /// </summary>
    public int SamplesPerRequest { get; init; } = 16;

    /// <summary>
    /// Stop the run (keeping every finished sample) after this many requests in a row failed entirely, e.g. a server
    /// that is down; isolated failures are only recorded per sample. Default 16.
    /// </summary>
    public int MaxConsecutiveFailedRequests { get; init; } = 16;

    /// <summary>Evaluate only the first N questions of each benchmark (smoke tests); null for all. Default null.</summary>
    public int? QuestionLimit { get; init; }

    /// <summary>
    /// The tools the backend lets the model call (<c>r1 eval --tools</c>; the in-process backend runs them), recorded in
    /// run.json so a resumed run cannot mix samples drawn with and without tools; null for none. Default null.
    /// </summary>
    public ToolSettings? Tools { get; init; }

    /// <summary>The messages for one question: optional system prompt, then the question with the suffix.</summary>
    public IReadOnlyList<PromptMessage> BuildMessages(string question)
    {
        string user = string.IsNullOrEmpty(PromptSuffix) ? question : question + "\n" + PromptSuffix;
        return SystemPrompt is null
            ? [new PromptMessage("user", user)]
            : [new PromptMessage("system", SystemPrompt), new PromptMessage("user", user)];
    }
}
