using R1Sharp.Cli.Errors;
using System.CommandLine;
using R1Sharp.Cli.Commands.Eval;
using R1Sharp.Data;
using R1Sharp.Evaluation;
using R1Sharp.Evaluation.Backends;
using R1Sharp.Evaluation.Benchmarks;
using R1Sharp.Evaluation.Judging;
using R1Sharp.Evaluation.Results;
using R1Sharp.Models;
using R1Sharp.Text.Templates.Jinja;
using R1Sharp.Text.Tokenization;
using R1Sharp.Training.Rollouts;
using Spectre.Console;

namespace R1Sharp.Cli.Commands;

/// <summary>
/// `r1 eval`: DeepSeek-R1's evaluation protocol (k samples per question at temperature 0.6, top-p 0.95, the R1
/// usage prompt, pass@1 / pass@k / cons@k) on an OpenAI-compatible server. Resumable: rerun the same command.
/// </summary>
internal static class EvalCommand
{
    public static Command Create() => Create(MathVerifierJudge.For);

    /// <summary>The command with a given judge per benchmark (tests inject a double).</summary>
    public static Command Create(Func<BenchmarkDefinition, IAnswerJudge> judgeFor)
    {
        var command = new Command("eval", "Evaluate a model with DeepSeek-R1's protocol (k samples per question, pass@1, pass@k, cons@k) on an OpenAI-compatible server or in process; resumable.");
        var o = new EvalCommandOptions();
        foreach (var option in o.All())
            command.Options.Add(option);
        command.SetGuardedAction((parseResult, cancellationToken) => RunAsync(parseResult, o, judgeFor, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, EvalCommandOptions o, Func<BenchmarkDefinition, IAnswerJudge> judgeFor, CancellationToken cancellationToken)
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
            var tools = ToolSettingsOf(parse, o);
            var (backend, local) = await CreateBackendAsync(parse, o, tools, cancellationToken).ConfigureAwait(false);
            using var disposeBackend = backend as IDisposable;
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
                // The in-process model generates one batch at a time; more requests in flight would only queue.
                MaxConcurrentRequests = local ? 1 : parse.GetValue(o.Concurrency),
                SamplesPerRequest = parse.GetValue(o.SamplesPerRequest),
                QuestionLimit = parse.GetValue(o.Limit),
                Tools = tools,
            };
            ValidateSampling(options);
            console.WriteLine($"r1 eval: {string.Join(", ", benchmarks.Select(b => $"{b.Name} (k={b.Samples})"))} on {backend.Description} -> {outputDirectory}");

            if (parse.GetValue(o.Rescore))
            {
                var (judged, changed) = await EvaluationRunner.RescoreAsync(benchmarks, judgeFor, outputDirectory, cancellationToken).ConfigureAwait(false);
                console.WriteLine($"rescored {judged} stored samples: {changed} verdicts changed");
            }

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
    }

    private static int ReportFailures(TextWriter error, EvaluationSummary summary)
    {
        int failed = summary.Benchmarks.Sum(b => b.FailedSamples);
        error.WriteLine($"warning: {failed} samples failed (counted as wrong; see 'error' in samples.jsonl); rerun the same command to retry them");
        return 3;
    }

    private static ToolSettings? ToolSettingsOf(ParseResult parse, EvalCommandOptions o)
    {
        var names = (parse.GetValue(o.Tools) ?? []).SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (names.Count == 0) return null;
        var settings = new ToolSettings(names, parse.GetValue(o.MaxToolCallingIterations), parse.GetValue(o.ToolTimeout), parse.GetValue(o.ToolOutputMaxBytes));
        var problems = settings.Problems();
        if (problems.Count > 0) throw new ArgumentException("--tools: " + string.Join("; ", problems));
        if (parse.GetValue(o.Checkpoint) is null && parse.GetValue(o.Tokenizer) is null)
            throw new ArgumentException("--tools runs the tool loop here on the model's token ids: give --checkpoint DIR, or --endpoint URL with --tokenizer DIR (the served model's tokenizer and chat template)");
        return settings;
    }

    private static async Task<(ICompletionBackend Backend, bool Local)> CreateBackendAsync(ParseResult parse, EvalCommandOptions o, ToolSettings? tools, CancellationToken cancellationToken)
    {
        string? checkpoint = parse.GetValue(o.Checkpoint);
        string? lora = parse.GetValue(o.Lora);
        if (checkpoint is null && lora is not null) throw new ArgumentException("--lora needs --checkpoint (the base model the adapter was trained on)");
        string? tokenizer = parse.GetValue(o.Tokenizer);
        if (tokenizer is not null && (tools is null || checkpoint is not null))
            throw new ArgumentException("--tokenizer is for --tools with --endpoint (the tool loop's tokenizer and chat template)");
        if (checkpoint is null && tools is not null) return (await CreateToolEndpointBackendAsync(parse, o, tokenizer!, tools, cancellationToken).ConfigureAwait(false), false);
        if (checkpoint is null) return (new OpenAICompatibleBackend(HttpOptionsOf(parse, o)), false);
        if (parse.GetValue(o.Endpoint) is not null) throw new ArgumentException("give either --checkpoint or --endpoint, not both");
        var device = DeviceSelection.Parse(parse.GetValue(o.Device)!);
        try
        {
            return (await LocalModelBackend.LoadAsync(checkpoint, device, null, lora, tools, cancellationToken).ConfigureAwait(false), true);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or System.Text.Json.JsonException or NotSupportedException or TokenizerFormatException or TemplateException)
        {
            throw new InvalidDataException($"cannot load checkpoint '{checkpoint}': {e.Message}", e);
        }
    }

    private static async Task<ToolCallingEndpointBackend> CreateToolEndpointBackendAsync(ParseResult parse, EvalCommandOptions o, string tokenizer, ToolSettings tools,
        CancellationToken cancellationToken)
    {
        var options = HttpOptionsOf(parse, o);
        try
        {
            return await ToolCallingEndpointBackend.LoadAsync(options, tokenizer, tools, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or System.Text.Json.JsonException or NotSupportedException or TokenizerFormatException or TemplateException)
        {
            throw new InvalidDataException($"cannot load the tokenizer and chat template of --tokenizer '{tokenizer}': {e.Message}", e);
        }
    }

    private static OpenAICompatibleOptions HttpOptionsOf(ParseResult parse, EvalCommandOptions o)
    {
        string? endpoint = parse.GetValue(o.Endpoint);
        string? model = parse.GetValue(o.Model);
        if (endpoint is null) throw new ArgumentException("give --endpoint URL --model NAME (an OpenAI-compatible server) or --checkpoint DIR (the in-process model)");
        if (string.IsNullOrWhiteSpace(model)) throw new ArgumentException("--model is required with --endpoint");
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"--endpoint '{endpoint}' is not an http(s) URL");
        double timeout = parse.GetValue(o.TimeoutSeconds);
        if (timeout <= 0) throw new ArgumentException("--timeout must be positive");
        int retries = parse.GetValue(o.Retries);
        if (retries < 0) throw new ArgumentException("--retries must be 0 or more");
        return new OpenAICompatibleOptions
        {
            Endpoint = uri,
            Model = model,
            ApiKey = Environment.GetEnvironmentVariable(parse.GetValue(o.ApiKeyEnv)!),
            RequestTimeout = TimeSpan.FromSeconds(timeout),
            Retry = new RetryPolicy { MaxRetries = retries },
            ContextLength = parse.GetValue(o.ContextLength),
        };
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
}
