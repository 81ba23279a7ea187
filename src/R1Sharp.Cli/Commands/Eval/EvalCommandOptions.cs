using System.CommandLine;
using R1Sharp.Evaluation;

namespace R1Sharp.Cli.Commands.Eval;

/// <summary>The command's options; a fresh set per command instance, as System.CommandLine options belong to one parent.</summary>
internal sealed class EvalCommandOptions
{
    public readonly Option<string[]> Benchmarks = new("--benchmark", "-b")
    {
        Description = "Benchmark to run, repeatable: a preset (math500, aime24, gsm8k; file looked for in --data-dir), NAME=PATH (a preset's mapping on another file, or a custom benchmark), or a .jsonl/.json/.parquet path.",
        Required = true,
        AllowMultipleArgumentsPerToken = true,
    };

    public readonly Option<string> DataDir = new("--data-dir")
    {
        Description = "Directory holding the preset files (math500.jsonl, aime24.jsonl, gsm8k_test.jsonl). Default: $R1SHARP_BENCHMARKS or ./data/benchmarks.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("R1SHARP_BENCHMARKS") ?? Path.Combine("data", "benchmarks"),
    };

    public readonly Option<string> Output = new("--output", "--out", "-o") { Description = "Output directory: samples.jsonl per benchmark, summary.json, summary.md, pass_at_k.png. Rerunning with the same directory resumes.", Required = true };
    public readonly Option<string?> QuestionField = new("--question-field") { Description = "Field holding the question (overrides the preset's)." };
    public readonly Option<string?> AnswerField = new("--answer-field") { Description = "Field holding the gold answer (overrides the preset's)." };
    public readonly Option<string?> IdField = new("--id-field") { Description = "Field holding a unique question id (default: the preset's; rows are numbered when there is none)." };
    public readonly Option<string?> GoldMarker = new("--gold-marker") { Description = "The gold answer is the text after the last occurrence of this marker in the answer field (gsm8k preset: ####)." };
    public readonly Option<int?> Samples = new("--samples", "-k") { Description = "k, samples per question. Default: the preset's (math500 4, aime24 64, gsm8k 4; custom 4)." };
    public readonly Option<string?> Checkpoint = new("--checkpoint") { Description = "Evaluate a Hugging Face checkpoint directory in this process (weights, tokenizer.json and its chat template) instead of a server." };

    /// <summary>--lora.</summary>
    public readonly Option<string?> Lora = new("--lora") { Description = "With --checkpoint: a PEFT LoRA adapter folder trained on it, attached unmerged (no merged copy is written)." };
    public readonly Option<string> Device = new("--device") { Description = "Device for --checkpoint: cpu, cuda, cuda:N or auto.", DefaultValueFactory = _ => "cpu" };
    public readonly Option<string?> Endpoint = new("--endpoint") { Description = "Base URL of an OpenAI-compatible API, e.g. http://localhost:8000/v1 (vLLM, SGLang, llama.cpp server, r1 serve)." };
    public readonly Option<string?> Model = new("--model") { Description = "Model name sent in each request (required with --endpoint)." };
    public readonly Option<string> ApiKeyEnv = new("--api-key-env") { Description = "Environment variable holding the API key (sent as a bearer token when set).", DefaultValueFactory = _ => "OPENAI_API_KEY" };
    public readonly Option<double> Temperature = new("--temperature") { Description = "Sampling temperature (DeepSeek-R1 evaluation: 0.6).", DefaultValueFactory = _ => 0.6 };
    public readonly Option<double> TopP = new("--top-p") { Description = "Nucleus sampling mass (DeepSeek-R1 evaluation: 0.95).", DefaultValueFactory = _ => 0.95 };
    public readonly Option<int> MaxTokens = new("--max-tokens") { Description = "Most tokens per response (DeepSeek-R1: 32768), capped by the model's context.", DefaultValueFactory = _ => 32_768 };
    public readonly Option<int?> ContextLength = new("--context-length") { Description = "The served model's context length, to cap --max-tokens; default: asked from the server's /models (vLLM's max_model_len)." };
    public readonly Option<long?> Seed = new("--seed") { Description = "Base seed; each request gets one derived from it (servers that honour seeds repeat their samples)." };
    public readonly Option<string> PromptSuffix = new("--prompt-suffix") { Description = "Instruction appended to each question on a new line; \"\" for none.", DefaultValueFactory = _ => EvaluationOptions.R1MathInstruction };
    public readonly Option<string?> SystemPrompt = new("--system-prompt") { Description = "System prompt (default none, as DeepSeek-R1 advises)." };
    public readonly Option<int> Concurrency = new("--concurrency") { Description = "Requests in flight at once.", DefaultValueFactory = _ => 8 };
    public readonly Option<int> SamplesPerRequest = new("--samples-per-request") { Description = "Most samples per request (OpenAI n); 1 for servers without n support (llama.cpp) or exact per-sample token counts.", DefaultValueFactory = _ => 16 };
    public readonly Option<bool> Rescore = new("--rescore") { Description = "Judge the responses already in --output again with the current verifier (rewrites samples.jsonl), then complete and summarize the run." };
    public readonly Option<int?> Limit = new("--limit") { Description = "Only the first N questions of each benchmark (smoke test)." };
    public readonly Option<double> TimeoutSeconds = new("--timeout") { Description = "Seconds allowed for one request attempt.", DefaultValueFactory = _ => 1800 };
    public readonly Option<int> Retries = new("--retries") { Description = "Retries of a request on 429, 5xx, timeouts and dropped connections (exponential backoff with jitter; Retry-After honoured).", DefaultValueFactory = _ => 6 };

    // issue 20: tools, under GRPO's config names
    public readonly Option<string[]> Tools = new("--tools") { Description = "Tools the model may call, as in r1 grpo's 'tools' (python: fenced ```python blocks or <tool_call> JSON run in the bubblewrap sandbox), with --checkpoint or with --endpoint and --tokenizer.", AllowMultipleArgumentsPerToken = true };
    public readonly Option<int> MaxToolCallingIterations = new("--max-tool-calling-iterations") { Description = "With --tools: most tool calls per sample (GRPO's max_tool_calling_iterations).", DefaultValueFactory = _ => 5 };
    public readonly Option<double> ToolTimeout = new("--tool-timeout") { Description = "With --tools: wall-clock seconds of one tool call (GRPO's tool_timeout).", DefaultValueFactory = _ => 10 };
    public readonly Option<int> ToolOutputMaxBytes = new("--tool-output-max-bytes") { Description = "With --tools: most UTF-8 bytes of one tool output the model sees (GRPO's tool_output_max_bytes).", DefaultValueFactory = _ => 2048 };
    public readonly Option<string?> Tokenizer = new("--tokenizer") { Description = "With --tools --endpoint: the served model's directory (tokenizer.json and chat template); the tool loop runs here on its token ids and the server samples each turn via /completions." };

    public IEnumerable<Option> All() =>
    [
        Benchmarks, DataDir, Output, QuestionField, AnswerField, IdField, GoldMarker, Samples, Checkpoint, Lora, Device, Endpoint, Model, ApiKeyEnv, Temperature, TopP, MaxTokens, ContextLength, Seed, PromptSuffix, SystemPrompt, Concurrency, SamplesPerRequest, Rescore, Limit, TimeoutSeconds, Retries,
        Tools, MaxToolCallingIterations, ToolTimeout, ToolOutputMaxBytes, Tokenizer,
    ];
}
