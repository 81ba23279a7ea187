using System.CommandLine;
using R1Sharp.Data;
using R1Sharp.Distillation;
using R1Sharp.Evaluation.Backends;
using R1Sharp.Rewards.Composition;

namespace R1Sharp.Cli.Commands;

/// <summary>`r1 sample`: n teacher responses per prompt from an OpenAI-compatible server, scored, written as JSONL as they arrive.</summary>
internal static class SampleCommand
{
    public static Command Create()
    {
        var defaults = new TeacherSamplingOptions();
        var prompts = new Option<FileInfo>("--prompts") { Description = "Prompts (.jsonl/.json/.parquet): 'messages', or 'prompt'/'problem'/'question', plus gold fields such as 'answer'.", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "Samples JSONL, appended as prompts finish; rerunning continues where it stopped.", Required = true };
        var endpoint = new Option<string>("--endpoint") { Description = "Base URL of the teacher's OpenAI-compatible API, e.g. http://localhost:8000/v1 (vLLM, SGLang, r1 serve).", Required = true };
        var model = new Option<string>("--model") { Description = "Teacher model name sent in each request.", Required = true };
        var apiKeyEnv = new Option<string>("--api-key-env") { Description = "Environment variable holding the API key (bearer token).", DefaultValueFactory = _ => "OPENAI_API_KEY" };
        var samples = new Option<int>("--samples", "-n") { Description = "Responses per prompt.", DefaultValueFactory = _ => defaults.SamplesPerPrompt };
        var reward = new Option<string>("--reward") { Description = "Rewards scored per response, e.g. accuracy,format,language (accuracy uses the verifier against --answer-field).", DefaultValueFactory = _ => "accuracy" };
        var answerField = new Option<string>("--answer-field") { Description = "Row field holding the gold answer for the accuracy reward.", DefaultValueFactory = _ => "answer" };
        var suffix = new Option<string?>("--prompt-suffix") { Description = "Instruction appended to each prompt, e.g. R1's \"Please reason step by step, and put your final answer within \\boxed{}.\"" };
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature (R1 evaluation: 0.6).", DefaultValueFactory = _ => defaults.Sampling.Temperature };
        var topP = new Option<double>("--top-p") { Description = "Nucleus sampling mass (R1 evaluation: 0.95).", DefaultValueFactory = _ => defaults.Sampling.TopP };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most tokens per response (R1: 32768).", DefaultValueFactory = _ => defaults.Sampling.MaxTokens };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once.", DefaultValueFactory = _ => defaults.Concurrency };
        var retries = new Option<int>("--retries") { Description = "Retries on 429/5xx/timeouts (exponential backoff with jitter, Retry-After honoured).", DefaultValueFactory = _ => 6 };
        var limit = new Option<int>("--limit") { Description = "Only the first N prompts (0 = all).", DefaultValueFactory = _ => 0 };
        var seed = new Option<long?>("--seed") { Description = "Sampling seed passed to servers that honour it." };

        var command = new Command("sample", "Sample n responses per prompt from a teacher (OpenAI-compatible endpoint), score them with rewards, write JSONL as they arrive (resumable).")
        {
            prompts, output, endpoint, model, apiKeyEnv, samples, reward, answerField, suffix, temperature, topP, maxTokens, concurrency, retries, limit, seed,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            try
            {
                string url = parse.GetValue(endpoint)!;
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                    throw new ArgumentException($"--endpoint '{url}' is not an http(s) URL");
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
                var rewards = RewardSelection.Create(parse.GetValue(reward)!, parse.GetValue(answerField)!);
                using var teacher = new OpenAICompatibleBackend(new OpenAICompatibleOptions
                {
                    Endpoint = uri,
                    Model = parse.GetValue(model)!,
                    ApiKey = Environment.GetEnvironmentVariable(parse.GetValue(apiKeyEnv)!),
                    Retry = new RetryPolicy { MaxRetries = parse.GetValue(retries) },
                });
                string outputPath = parse.GetValue(output)!.FullName;
                var lastShown = DateTime.MinValue;
                var progress = new SynchronousProgress<(int Done, int Total)>(p =>
                {
                    // A line at most every 2 s, plus the last one: readable in logs and on a terminal.
                    if (p.Done != p.Total && DateTime.UtcNow - lastShown < TimeSpan.FromSeconds(2)) return;
                    lastShown = DateTime.UtcNow;
                    stdout.WriteLine($"prompts {p.Done}/{p.Total}");
                });
                stdout.WriteLine($"sampling {options.SamplesPerPrompt} per prompt from {teacher.Description}, rewards: {string.Join(", ", rewards.Select(r => r.Name))}");
                var report = await new TeacherSampler(teacher, rewards, options)
                    .RunAsync(parse.GetValue(prompts)!.FullName, outputPath, progress, cancellationToken).ConfigureAwait(false);
                stdout.WriteLine($"{report.Completed} prompts sampled, {report.AlreadyDone} done earlier, {report.Failed} failed; responses in {outputPath}");
                if (report.FirstError is not null) stderr.WriteLine($"first failure: {report.FirstError} (rerun to retry the failed prompts)");
                return report.Failed == 0 ? 0 : 2;
            }
            catch (Exception e) when (e is DatasetFormatException or RewardConfigurationException or ArgumentException or IOException)
            {
                stderr.WriteLine($"r1 sample: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
