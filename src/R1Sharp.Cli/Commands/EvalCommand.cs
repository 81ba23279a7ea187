using System.CommandLine;
using R1Sharp.Cli.Commands.Eval;
using R1Sharp.Data;
using R1Sharp.Evaluation;
using R1Sharp.Evaluation.Backends;
using R1Sharp.Evaluation.Benchmarks;
using R1Sharp.Evaluation.Judging;
using R1Sharp.Evaluation.Results;
using Spectre.Console;

namespace R1Sharp.Cli.Commands;

/// <summary>
/// `r1 eval`: DeepSeek-R1's evaluation protocol (k samples per question at temperature 0.6, top-p 0.95, the R1
/// usage prompt, pass@1 / pass@k / cons@k) on an OpenAI-compatible server. Resumable: rerun the same command.
/// </summary>
internal static class EvalCommand
{
    public static Command Create() => Create(MathJudgeFor);

    /// <summary>The command with a given judge per benchmark (tests inject a double).</summary>
    public static Command Create(Func<BenchmarkDefinition, IAnswerJudge> judgeFor)
    {
        var command = new Command("eval", "Evaluate a model with DeepSeek-R1's protocol (k samples per question, pass@1, pass@k, cons@k) on an OpenAI-compatible server; resumable.");
        var o = new EvalOptions();
        foreach (var option in o.All())
            command.Options.Add(option);
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, o, judgeFor, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, EvalOptions o, Func<BenchmarkDefinition, IAnswerJudge> judgeFor, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var console = output == Console.Out
            ? AnsiConsole.Console
            : AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No, Ansi = AnsiSupport.No });
        // Logs and CI capture wide tables better than wrapped 80-column cells.
        if (!console.Profile.Capabilities.Interactive) console.Profile.Width = Math.Max(console.Profile.Width, 160);
        var error = parse.InvocationConfiguration.Error;
        string outputDirectory = parse.GetValue(o.Output)!;
        try
        {
            var fields = new BenchmarkArguments.FieldOverrides(parse.GetValue(o.QuestionField), parse.GetValue(o.AnswerField), parse.GetValue(o.IdField), parse.GetValue(o.GoldMarker));
            var benchmarks = parse.GetValue(o.Benchmarks)!
                .Select(value => BenchmarkArguments.Resolve(value, parse.GetValue(o.DataDir)!, fields, parse.GetValue(o.Samples)))
                .ToList();
            using var backend = CreateHttpBackend(parse, o);
            var options = new EvaluationOptions
            {
                Sampling = new SamplingParameters
                {
                    Temperature = parse.GetValue(o.Temperature),
                    TopP = parse.GetValue(o.TopP),
                    MaxTokens = parse.GetValue(o.MaxTokens),
                    Seed = parse.GetValue(o.Seed),
                },
                PromptSuffix = parse.GetValue(o.PromptSuffix)!,
                SystemPrompt = parse.GetValue(o.SystemPrompt),
                MaxConcurrentRequests = parse.GetValue(o.Concurrency),
                SamplesPerRequest = parse.GetValue(o.SamplesPerRequest),
                QuestionLimit = parse.GetValue(o.Limit),
            };
            ValidateSampling(options);
            console.WriteLine($"r1 eval: {string.Join(", ", benchmarks.Select(b => $"{b.Name} (k={b.Samples})"))} on {backend.Description} -> {outputDirectory}");

            var summary = await ConsoleProgress.RunAsync(console, progress =>
                new EvaluationRunner(backend, options).RunAsync(benchmarks, judgeFor, outputDirectory, progress, cancellationToken)).ConfigureAwait(false);

            console.Write(SummaryTable.Build(summary));
            console.WriteLine($"results: {Path.Combine(outputDirectory, SummaryWriter.MarkdownFileName)}, {SummaryWriter.JsonFileName}, {PassAtKChart.FileName}");
            return summary.Benchmarks.Any(b => b.FailedSamples > 0) ? ReportFailures(error, summary) : 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"interrupted; finished samples are kept in {outputDirectory}: rerun the same command to resume").ConfigureAwait(false);
            return 130;
        }
        catch (Exception e) when (e is ArgumentException or DatasetFormatException or FileNotFoundException or InvalidDataException or InvalidOperationException or UriFormatException)
        {
            await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            return 2;
        }
    }

    private static int ReportFailures(TextWriter error, EvaluationSummary summary)
    {
        int failed = summary.Benchmarks.Sum(b => b.FailedSamples);
        error.WriteLine($"warning: {failed} samples failed (counted as wrong; see 'error' in samples.jsonl); rerun the same command to retry them");
        return 3;
    }

    private static OpenAICompatibleBackend CreateHttpBackend(ParseResult parse, EvalOptions o)
    {
        string? endpoint = parse.GetValue(o.Endpoint);
        string? model = parse.GetValue(o.Model);
        if (endpoint is null) throw new ArgumentException("give --endpoint URL --model NAME (an OpenAI-compatible server)");
        if (string.IsNullOrWhiteSpace(model)) throw new ArgumentException("--model is required with --endpoint");
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"--endpoint '{endpoint}' is not an http(s) URL");
        double timeout = parse.GetValue(o.TimeoutSeconds);
        if (timeout <= 0) throw new ArgumentException("--timeout must be positive");
        int retries = parse.GetValue(o.Retries);
        if (retries < 0) throw new ArgumentException("--retries must be 0 or more");
        return new OpenAICompatibleBackend(new OpenAICompatibleOptions
        {
            Endpoint = uri,
            Model = model,
            ApiKey = Environment.GetEnvironmentVariable(parse.GetValue(o.ApiKeyEnv)!),
            RequestTimeout = TimeSpan.FromSeconds(timeout),
            Retry = new RetryPolicy { MaxRetries = retries },
            ContextLength = parse.GetValue(o.ContextLength),
        });
    }

    private static void ValidateSampling(EvaluationOptions options)
    {
        if (options.Sampling.Temperature < 0) throw new ArgumentException("--temperature must be 0 or more");
        if (options.Sampling.TopP is <= 0 or > 1) throw new ArgumentException("--top-p must be in (0, 1]");
        if (options.Sampling.MaxTokens < 1) throw new ArgumentException("--max-tokens must be at least 1");
        if (options.MaxConcurrentRequests < 1) throw new ArgumentException("--concurrency must be at least 1");
        if (options.SamplesPerRequest < 1) throw new ArgumentException("--samples-per-request must be at least 1");
        if (options.QuestionLimit is < 1) throw new ArgumentException("--limit must be at least 1");
    }

    private static IAnswerJudge MathJudgeFor(BenchmarkDefinition benchmark) =>
        throw new NotSupportedException("the math verifier (R1Sharp.Verify) is not in this build yet");

    /// <summary>The command's options; a fresh set per command instance, as System.CommandLine options belong to one parent.</summary>
    private sealed class EvalOptions
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

        public readonly Option<string> Output = new("--output", "-o") { Description = "Output directory: samples.jsonl per benchmark, summary.json, summary.md, pass_at_k.png. Rerunning with the same directory resumes.", Required = true };
        public readonly Option<string?> QuestionField = new("--question-field") { Description = "Field holding the question (overrides the preset's)." };
        public readonly Option<string?> AnswerField = new("--answer-field") { Description = "Field holding the gold answer (overrides the preset's)." };
        public readonly Option<string?> IdField = new("--id-field") { Description = "Field holding a unique question id (default: the preset's; rows are numbered when there is none)." };
        public readonly Option<string?> GoldMarker = new("--gold-marker") { Description = "The gold answer is the text after the last occurrence of this marker in the answer field (gsm8k preset: ####)." };
        public readonly Option<int?> Samples = new("--samples", "-k") { Description = "k, samples per question. Default: the preset's (math500 4, aime24 64, gsm8k 4; custom 4)." };
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
        public readonly Option<int?> Limit = new("--limit") { Description = "Only the first N questions of each benchmark (smoke test)." };
        public readonly Option<double> TimeoutSeconds = new("--timeout") { Description = "Seconds allowed for one request attempt.", DefaultValueFactory = _ => 1800 };
        public readonly Option<int> Retries = new("--retries") { Description = "Retries of a request on 429, 5xx, timeouts and dropped connections (exponential backoff with jitter; Retry-After honoured).", DefaultValueFactory = _ => 6 };

        public IEnumerable<Option> All() =>
        [
            Benchmarks, DataDir, Output, QuestionField, AnswerField, IdField, GoldMarker, Samples, Endpoint, Model, ApiKeyEnv, Temperature, TopP, MaxTokens, ContextLength, Seed, PromptSuffix, SystemPrompt, Concurrency, SamplesPerRequest, Limit, TimeoutSeconds, Retries,
        ];
    }
}
