using R1Sharp.Cli.Errors;
using System.CommandLine;
using System.CommandLine.Parsing;
using R1Sharp.Data;
using R1Sharp.Distillation;
using R1Sharp.Evaluation.Backends;
using R1Sharp.Models;
using R1Sharp.Rewards.Composition;
using R1Sharp.Text.Templates.Jinja;
using R1Sharp.Text.Tokenization;

namespace R1Sharp.Cli.Commands;

/// <summary>
/// `r1 sample`: n teacher responses per prompt, scored, written as JSONL as they arrive. The teacher is an
/// OpenAI-compatible server (--endpoint) or a model directory run in this process (--teacher-dir).
/// </summary>
internal static class SampleCommand
{
    public static Command Create()
    {
        var defaults = new TeacherSamplingOptions();
        var prompts = new Option<FileInfo>("--prompts") { Description = "Prompts (.jsonl/.json/.parquet): 'messages', or 'prompt'/'problem'/'question', plus gold fields such as 'answer'.", Required = true };
        var output = new Option<FileInfo>("--output", "--out") { Description = "Samples JSONL, appended as prompts finish; rerunning continues where it stopped.", Required = true };
        var endpoint = new Option<string?>("--endpoint") { Description = "Teacher behind an OpenAI-compatible API: its base URL, e.g. http://localhost:8000/v1 (vLLM, SGLang, r1 serve). Needs --model. Give this or --teacher-dir." };
        var model = new Option<string?>("--model") { Description = "With --endpoint: the teacher model name sent in each request." };
        var apiKeyEnv = new Option<string>("--api-key-env") { Description = "With --endpoint: environment variable holding the API key (bearer token).", DefaultValueFactory = _ => "OPENAI_API_KEY" };
        var teacherDir = new Option<DirectoryInfo?>("--teacher-dir") { Description = "Teacher run in this process: a Hugging Face model directory (config.json, *.safetensors, tokenizer files) or an r1 zero checkpoint. Give this or --endpoint." };
        var device = new Option<string>("--device") { Description = "With --teacher-dir: cpu, cuda, cuda:N or auto.", DefaultValueFactory = _ => "cpu" };
        var threads = new Option<int?>("--threads") { Description = "With --teacher-dir: torch CPU threads (default: torch's choice; use 1 on a busy machine)." };
        var samples = new Option<int>("--samples", "-n") { Description = "Responses per prompt.", DefaultValueFactory = _ => defaults.SamplesPerPrompt };
        var reward = new Option<string>("--reward") { Description = "Rewards scored per response, e.g. accuracy,format,language (accuracy uses the verifier against --answer-field).", DefaultValueFactory = _ => "accuracy" };
        var answerField = new Option<string>("--answer-field") { Description = "Row field holding the gold answer for the accuracy reward.", DefaultValueFactory = _ => "answer" };
        var suffix = new Option<string?>("--prompt-suffix") { Description = "Instruction appended to each prompt, e.g. R1's \"Please reason step by step, and put your final answer within \\boxed{}.\"" };
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature (R1 evaluation: 0.6).", DefaultValueFactory = _ => defaults.Sampling.Temperature };
        var topP = new Option<double>("--top-p") { Description = "Nucleus sampling mass (R1 evaluation: 0.95).", DefaultValueFactory = _ => defaults.Sampling.TopP };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most tokens per response (R1: 32768); an in-process teacher also stops at its context length.", DefaultValueFactory = _ => defaults.Sampling.MaxTokens };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once (the in-process teacher generates one prompt's n responses at a time).", DefaultValueFactory = _ => defaults.Concurrency };
        var retries = new Option<int>("--retries") { Description = "With --endpoint: retries on 429/5xx/timeouts (exponential backoff with jitter, Retry-After honoured).", DefaultValueFactory = _ => 6 };
        var limit = new Option<int>("--limit") { Description = "Only the first N prompts (0 = all).", DefaultValueFactory = _ => 0 };
        var seed = new Option<long?>("--seed") { Description = "Sampling seed: the in-process teacher then gives the same responses on every run; servers that honour it get it with each request." };

        var command = new Command("sample", "Sample n responses per prompt from a teacher (an OpenAI-compatible endpoint, or a model directory run in-process), score them with rewards, write JSONL as they arrive (resumable).")
        {
            prompts, output, endpoint, model, apiKeyEnv, retries, teacherDir, device, threads, samples, reward, answerField, suffix, temperature, topP, maxTokens, concurrency, limit, seed,
        };
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            bool usesEndpoint = UsesEndpoint(parse, endpoint, teacherDir, endpointOnly: [model, apiKeyEnv, retries], teacherDirOnly: [device, threads]);
            var options = new TeacherSamplingOptions
            {
                SamplesPerPrompt = parse.GetValue(samples),
                Concurrency = parse.GetValue(concurrency),
                PromptSuffix = parse.GetValue(suffix),
                PromptLimit = parse.GetValue(limit),
                Sampling = new SamplingParameters
                {
                    Temperature = parse.GetValue(temperature),
                    TopP = parse.GetValue(topP),
                    MaxTokens = parse.GetValue(maxTokens),
                    Seed = parse.GetValue(seed),
                },
            };
            await using var rewards = RewardSelection.Create(parse.GetValue(reward)!, parse.GetValue(answerField)!);
            using var teacher = usesEndpoint
                ? OpenEndpoint(parse.GetValue(endpoint)!, parse.GetValue(model), parse.GetValue(apiKeyEnv)!, parse.GetValue(retries))
                : OpenInProcess(parse.GetValue(teacherDir)!, parse.GetValue(device)!, parse.GetValue(threads));
            string outputPath = parse.GetValue(output)!.FullName;
            var lastShown = DateTime.MinValue;
            var progress = new SynchronousProgress<(int Done, int Total)>(p =>
            {
                // A line at most every 2 s, plus the last one: readable in logs and on a terminal.
                if (p.Done != p.Total && DateTime.UtcNow - lastShown < TimeSpan.FromSeconds(2)) return;
                lastShown = DateTime.UtcNow;
                stdout.WriteLine($"prompts {p.Done}/{p.Total}");
            });
            stdout.WriteLine($"sampling {options.SamplesPerPrompt} per prompt from {teacher.Backend.Description}{(usesEndpoint ? "" : $" (in-process, {parse.GetValue(device)})")}, rewards: {string.Join(", ", rewards?.Labels ?? [])}");
            var report = await new TeacherSampler(teacher.Backend, rewards, options)
                .RunAsync(parse.GetValue(prompts)!.FullName, outputPath, progress, cancellationToken).ConfigureAwait(false);
            stdout.WriteLine($"{report.Completed} prompts sampled, {report.AlreadyDone} done earlier, {report.Failed} failed; responses in {outputPath}");
            if (report.FirstError is not null) stderr.WriteLine($"first failure: {report.FirstError} (rerun to retry the failed prompts)");
            return report.Failed == 0 ? 0 : 2;
        });
        return command;
    }

    private static OpenedTeacher OpenEndpoint(string url, string? model, string apiKeyEnv, int retries)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"--endpoint '{url}' is not an http(s) URL");
        if (string.IsNullOrWhiteSpace(model))
            throw new ArgumentException("--model is required with --endpoint (the teacher model name sent in each request)");
        var backend = new OpenAICompatibleBackend(new OpenAICompatibleOptions
        {
            Endpoint = uri,
            Model = model,
            ApiKey = Environment.GetEnvironmentVariable(apiKeyEnv),
            Retry = new RetryPolicy { MaxRetries = retries },
        });
        return new OpenedTeacher(backend, backend);
    }

    private static OpenedTeacher OpenInProcess(DirectoryInfo directory, string device, int? threads)
    {
        if (threads is int count)
        {
            if (count < 1) throw new ArgumentException($"--threads {count}: give at least 1");
            TorchThreads.Set(count);
        }
        var teacher = LocalTeacherLoader.Load(directory.FullName, DeviceSelection.Parse(device));
        return new OpenedTeacher(teacher, teacher);
    }

    /// <summary>The teacher and what frees it (the HTTP client, or the model's weights).</summary>
    private sealed record OpenedTeacher(ICompletionBackend Backend, IDisposable Owner) : IDisposable
    {
        public void Dispose() => Owner.Dispose();
    }

    /// <summary>
    /// True for the endpoint, false for the model directory: the command line must name exactly one of them and no
    /// option that only the other one reads.
    /// </summary>
    private static bool UsesEndpoint(ParseResult parse, Option<string?> endpoint, Option<DirectoryInfo?> teacherDir,
        IReadOnlyList<Option> endpointOnly, IReadOnlyList<Option> teacherDirOnly)
    {
        bool hasEndpoint = parse.GetValue(endpoint) is not null;
        bool hasDirectory = parse.GetValue(teacherDir) is not null;
        if (hasEndpoint && hasDirectory)
            throw new ArgumentException($"give either {endpoint.Name} or {teacherDir.Name}, not both");
        if (!hasEndpoint && !hasDirectory)
            throw new ArgumentException($"no teacher: give {endpoint.Name} URL (with --model) for an OpenAI-compatible server, or {teacherDir.Name} DIR for a model run in-process");
        // An option of the other teacher would be silently ignored, yet whoever typed it expects it to matter.
        var (ignored, chosen, other) = hasEndpoint ? (teacherDirOnly, endpoint.Name, teacherDir.Name) : (endpointOnly, teacherDir.Name, endpoint.Name);
        if (ignored.FirstOrDefault(option => parse.GetResult(option) is { Implicit: false }) is { } stray)
            throw new ArgumentException($"{stray.Name} does not apply with {chosen}; it is an option of {other}");
        return hasEndpoint;
    }
}
