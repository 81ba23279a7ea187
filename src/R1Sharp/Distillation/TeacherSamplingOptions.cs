using R1Sharp.Evaluation.Backends;

namespace R1Sharp.Distillation;

/// <summary>Settings of <c>r1 sample</c>: how many responses per prompt, how prompts are built, and how the teacher samples.</summary>
public sealed record TeacherSamplingOptions
{
    /// <summary>Responses per prompt. Default 4 (the paper samples "multiple" without a number; open-r1's Mixture-of-Thoughts uses 4).</summary>
    public int SamplesPerPrompt { get; init; } = 4;

    /// <summary>Requests in flight at once (a vLLM server batches them). Default 8.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>Text appended to each user prompt, e.g. R1's usage advice for math: "Please reason step by step, and
    /// put your final answer within \boxed{}." Default null (prompts as written).</summary>
    public string? PromptSuffix { get; init; }

    /// <summary>Only the first N prompts (0 = all). Default 0.</summary>
    public int PromptLimit { get; init; }

    /// <summary>Temperature, top-p, maximum tokens, seed. Default R1's evaluation settings (0.6, 0.95, 32,768).</summary>
    public SamplingParameters Sampling { get; init; } = new();
}
