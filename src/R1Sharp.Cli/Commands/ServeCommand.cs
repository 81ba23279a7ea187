using R1Sharp.Cli.Errors;
using System.CommandLine;
using R1Sharp.Models;
using R1Sharp.RewardModels;
using R1Sharp.Serving;
using R1Sharp.Serving.Http;

namespace R1Sharp.Cli.Commands;

/// <summary>`r1 serve`: an OpenAI-compatible HTTP server for a Hugging Face model directory.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Hugging Face model directory (config.json, *.safetensors, tokenizer files).", Required = true };
        var lora = new Option<DirectoryInfo?>("--lora") { Description = "PEFT LoRA adapter folder (adapter_config.json, adapter_model.safetensors) trained on --model; served attached, unmerged." };
        var host = new Option<string>("--host") { Description = "Address to bind. Default 127.0.0.1 (this machine only); 0.0.0.0 exposes it to the network.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port (default 8000).", DefaultValueFactory = _ => 8000 };
        var name = new Option<string?>("--name") { Description = "Model name reported by /v1/models (default: the directory name)." };
        var apiKeyEnv = new Option<string>("--api-key-env") { Description = "Environment variable holding the API key; when set and non-empty, requests need 'Authorization: Bearer <key>'.", DefaultValueFactory = _ => "R1_API_KEY" };
        var apiKeyFile = new Option<FileInfo?>("--api-key-file") { Description = "File holding the API key (first line); overrides --api-key-env." };
        var device = new Option<string>("--device") { Description = "cpu or cuda[:N].", DefaultValueFactory = _ => "cpu" };
        var dtype = new Option<string?>("--dtype") { Description = "f32 or bf16 (default: the checkpoint's)." };
        var maxBatch = new Option<int>("--max-batch") { Description = "Most sequences decoded together (continuous batching).", DefaultValueFactory = _ => 32 };
        var maxQueue = new Option<int>("--max-queue") { Description = "Most sequences waiting; beyond it requests get 429 with Retry-After.", DefaultValueFactory = _ => 256 };
        var context = new Option<int>("--context-length") { Description = "KV-cache positions (prompt + max_tokens must fit).", DefaultValueFactory = _ => 4096 };
        var maxTokens = new Option<int>("--max-tokens-limit") { Description = "Largest max_tokens a request may ask for.", DefaultValueFactory = _ => 4096 };
        var threads = new Option<int?>("--threads") { Description = "Torch CPU threads (default: torch's choice)." };
        var defaults = new ServeOptions();
        var defaultMaxTokens = new Option<int?>("--default-max-tokens") { Description = $"max_tokens when a request gives none, lowered to what the context leaves after the prompt (default {defaults.DefaultMaxTokens}, at most --max-tokens-limit)." };
        var maxChoices = new Option<int>("--max-choices") { Description = $"Most choices (n) per request (default {defaults.MaxChoices}).", DefaultValueFactory = _ => defaults.MaxChoices };
        var maxRequestBytes = new Option<long>("--max-request-bytes") { Description = $"Largest request body in bytes; 413 beyond (default {defaults.MaxRequestBytes}).", DefaultValueFactory = _ => defaults.MaxRequestBytes };
        var shutdownGrace = new Option<double>("--shutdown-grace") { Description = $"Seconds in-flight requests may run after Ctrl+C (default {defaults.ShutdownGrace.TotalSeconds:0}).", DefaultValueFactory = _ => defaults.ShutdownGrace.TotalSeconds };
        var command = new Command("serve", "Serve a model over the OpenAI API (/v1/chat/completions, /v1/completions, /v1/models, /health, /v1/reload); a reward model (r1 rm) over vLLM's /classify.")
        {
            model, lora, host, port, name, apiKeyEnv, apiKeyFile, device, dtype, maxBatch, maxQueue, context, maxTokens, threads,
            defaultMaxTokens, maxChoices, maxRequestBytes, shutdownGrace,
        };
        command.SetGuardedAction(async (parse, ct) =>
        {
            var dir = parse.GetValue(model)!;
            if (parse.GetValue(threads) is int t) TorchThreads.Set(t);
            string? key = parse.GetValue(apiKeyFile) is { } file
                ? File.ReadLines(file.FullName).FirstOrDefault()?.Trim()
                : Environment.GetEnvironmentVariable(parse.GetValue(apiKeyEnv)!);
            var options = new ServeOptions
            {
                Host = parse.GetValue(host)!,
                Port = parse.GetValue(port),
                ModelName = parse.GetValue(name) ?? dir.Name,
                ApiKey = string.IsNullOrEmpty(key) ? null : key,
                MaxBatch = parse.GetValue(maxBatch),
                MaxQueue = parse.GetValue(maxQueue),
                ContextLength = parse.GetValue(context),
                MaxTokensLimit = parse.GetValue(maxTokens),
                DefaultMaxTokens = parse.GetValue(defaultMaxTokens) ?? Math.Min(defaults.DefaultMaxTokens, parse.GetValue(maxTokens)),
                MaxChoices = parse.GetValue(maxChoices),
                MaxRequestBytes = parse.GetValue(maxRequestBytes),
                ShutdownGrace = ShutdownGrace(parse.GetValue(shutdownGrace)),
            };
            options.Validate();
            var dt = DeviceSelection.ParseOptionalDtype(parse.GetValue(dtype));
            if (RewardModelCheckpoint.IsRewardModel(dir.FullName))
                return await ServeRewardModelAsync(dir.FullName, parse.GetValue(lora), parse.GetValue(device)!, parse.GetValue(dtype), options, ct);
            var served = ServedModelLoader.Load(dir.FullName, DeviceSelection.Parse(parse.GetValue(device)!), dt, options, parse.GetValue(lora)?.FullName);
            await using var engine = served.Engine;
            await using var server = await OpenAiServer.StartAsync(served, options, ct);
            string adapter = parse.GetValue(lora) is { } l ? $" with LoRA adapter {l.FullName}" : "";
            Console.Error.WriteLine($"r1 serve: '{options.ModelName}'{adapter} on {server.BaseAddress} (API key {(options.ApiKey is null ? "off" : "required")}); Ctrl+C stops");
            await server.WaitForShutdownAsync(ct);
            return 0;
        });
        return command;
    }

    // A ...ForSequenceClassification checkpoint is served for scoring (vLLM's /classify), not generation.
    private static async Task<int> ServeRewardModelAsync(string dir, DirectoryInfo? lora, string device, string? dtype, ServeOptions options, CancellationToken ct)
    {
        if (lora is not null) throw new UsageException("--lora is not supported for a reward model; merge the adapter first (r1 merge-lora)");
        await using var server = await RewardModelServer.StartFromDirectoryAsync(dir, device, dtype, options, ct);
        Console.Error.WriteLine($"r1 serve: reward model '{options.ModelName}' on {server.BaseAddress}classify (API key {(options.ApiKey is null ? "off" : "required")}); Ctrl+C stops");
        await server.WaitForShutdownAsync(ct);
        return 0;
    }

    private static TimeSpan ShutdownGrace(double seconds) =>
        seconds is >= 0 and <= 3600 ? TimeSpan.FromSeconds(seconds) : throw new ArgumentException($"--shutdown-grace must be 0..3600 seconds (got {seconds})");
}
