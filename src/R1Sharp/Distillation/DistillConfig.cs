using R1Sharp.Training.Sft;

namespace R1Sharp.Distillation;

/// <summary>
/// The config file of <c>r1 distill</c> (YAML or JSON, snake_case keys): where prompts come from, the teacher, the
/// filters, the student and its SFT settings, and the evaluation of both. Every section but <c>teacher</c> and
/// <c>student</c> has defaults.
/// </summary>
public sealed class DistillConfig
{
    /// <summary>Prompts to sample (with gold answers for the accuracy reward). Relative paths are relative to the config file. Required.</summary>
    public string Prompts { get; set; } = "";

    /// <summary>Held-out prompts on which teacher and student are compared (pass@1); none skips the comparison.</summary>
    public string? EvalPrompts { get; set; }

    /// <summary>Run directory: samples.jsonl, sft.jsonl (+ stats), student/ (SFT run), eval/, summary.json. Default <c>runs/distill</c>.</summary>
    public string Output { get; set; } = "runs/distill";

    /// <summary>The teacher.</summary>
    public ModelSource Teacher { get; set; } = new();

    /// <summary>Sampling of the teacher.</summary>
    public SamplingSection Sampling { get; set; } = new();

    /// <summary>Rewards scored per response (<c>r1 sample --reward</c> syntax). Default <c>accuracy</c>.</summary>
    public string Rewards { get; set; } = "accuracy";

    /// <summary>Row field holding the gold answer. Default <c>answer</c>.</summary>
    public string AnswerField { get; set; } = "answer";

    /// <summary>Rejection-sampling rules.</summary>
    public FilterSection Filter { get; set; } = new();

    /// <summary>The student and its SFT settings.</summary>
    public StudentSection Student { get; set; } = new();

    /// <summary>How teacher and student are evaluated on <see cref="EvalPrompts"/>.</summary>
    public EvaluationSection Evaluation { get; set; } = new();

    /// <summary>A model: an OpenAI-compatible endpoint (with a model name) or a local Hugging Face directory.</summary>
    public sealed class ModelSource
    {
        /// <summary>Base URL of an OpenAI-compatible API (vLLM, SGLang, r1 serve).</summary>
        public string? Endpoint { get; set; }

        /// <summary>Model name sent to the endpoint.</summary>
        public string? Model { get; set; }

        /// <summary>Environment variable holding the endpoint's API key. Default <c>OPENAI_API_KEY</c>.</summary>
        public string ApiKeyEnv { get; set; } = "OPENAI_API_KEY";

        /// <summary>Local Hugging Face model directory, run in-process (instead of an endpoint).</summary>
        public string? ModelDir { get; set; }
    }

    /// <summary>Teacher sampling (defaults: <see cref="TeacherSamplingOptions"/>).</summary>
    public sealed class SamplingSection
    {
        /// <summary>Responses per prompt. Default 4.</summary>
        public int SamplesPerPrompt { get; set; } = 4;

        /// <summary>Temperature. Default 0.6 (R1).</summary>
        public double Temperature { get; set; } = 0.6;

        /// <summary>Top-p. Default 0.95 (R1).</summary>
        public double TopP { get; set; } = 0.95;

        /// <summary>Most tokens per response. Default 32,768 (R1).</summary>
        public int MaxTokens { get; set; } = 32_768;

        /// <summary>Requests in flight. Default 8.</summary>
        public int Concurrency { get; set; } = 8;

        /// <summary>Instruction appended to prompts. Default none.</summary>
        public string? PromptSuffix { get; set; }

        /// <summary>Only the first N prompts (0 = all). Default 0.</summary>
        public int Limit { get; set; }

        /// <summary>Sampling seed. Default none.</summary>
        public long? Seed { get; set; }
    }

    /// <summary>Filters (defaults: <see cref="RejectionSamplingOptions"/>).</summary>
    public sealed class FilterSection
    {
        /// <summary>Keep only correct responses. Default true.</summary>
        public bool RequireCorrect { get; set; } = true;

        /// <summary>At most this many per prompt (0 = all). Default 4.</summary>
        public int MaxPerPrompt { get; set; } = 4;

        /// <summary>Longest reasoning paragraph (0 = no limit). Default 3,000.</summary>
        public int MaxParagraphChars { get; set; } = 3000;

        /// <summary>Drop code blocks in reasoning. Default true.</summary>
        public bool DropCodeInReasoning { get; set; } = true;

        /// <summary>Drop mixed-language reasoning. Default true.</summary>
        public bool DropMixedLanguage { get; set; } = true;

        /// <summary>Drop truncated responses. Default true.</summary>
        public bool DropTruncated { get; set; } = true;

        /// <summary>Drop duplicates. Default true.</summary>
        public bool Deduplicate { get; set; } = true;
    }

    /// <summary>The student.</summary>
    public sealed class StudentSection
    {
        /// <summary>Hugging Face directory of the student's starting weights. Required.</summary>
        public string ModelDir { get; set; } = "";

        /// <summary>Chat format: auto, model, chatml, deepseek-r1. Default auto.</summary>
        public string Template { get; set; } = "auto";

        /// <summary>Device. Default cpu.</summary>
        public string Device { get; set; } = "cpu";

        /// <summary>
        /// SFT settings under the keys of <c>r1 sft --config</c> (TRL's <c>SFTConfig</c> names, or our aliases such as
        /// <c>epochs</c> and <c>batch_size</c>); defaults are <see cref="SftOptions"/>', except that the student saves
        /// only at the end and evaluates once per epoch. Read through <see cref="SftOptionsFile.Schema"/>, so a typo or
        /// a bad value is refused when the file is loaded.
        /// </summary>
        public Dictionary<string, string> Sft { get; set; } = [];

        /// <summary>The student's SFT options, resolved from <see cref="Sft"/> by <see cref="DistillConfigFile.Load"/>.</summary>
        [YamlDotNet.Serialization.YamlIgnore]
        public SftOptions? Training { get; set; }
    }

    /// <summary>Evaluation of teacher and student.</summary>
    public sealed class EvaluationSection
    {
        /// <summary>Responses per prompt for pass@1 (the mean correctness). Default 4.</summary>
        public int Samples { get; set; } = 4;

        /// <summary>Temperature. Default 0.6 (R1 evaluation).</summary>
        public double Temperature { get; set; } = 0.6;

        /// <summary>Top-p. Default 0.95 (R1 evaluation).</summary>
        public double TopP { get; set; } = 0.95;

        /// <summary>Most tokens per response. Default 32,768 (R1 evaluation).</summary>
        public int MaxTokens { get; set; } = 32_768;

        /// <summary>Instruction appended to prompts. Default R1's math advice.</summary>
        public string? PromptSuffix { get; set; } = "Please reason step by step, and put your final answer within \\boxed{}.";
    }
}
