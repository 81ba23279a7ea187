using R1Sharp.Cli.Errors;
using R1Sharp.Training.Rollouts;
using System.CommandLine;
using System.Globalization;
using R1Sharp.Data;
using R1Sharp.Distributed;
using R1Sharp.Training.Configuration;
using R1Sharp.RewardModels;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Zero;

namespace R1Sharp.Cli.Commands;

/// <summary>`r1 grpo`: GRPO on a Hugging Face checkpoint and a data set.</summary>
internal static class GrpoCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Hugging Face checkpoint directory (config.json, *.safetensors, tokenizer files).", Required = true };
        var data = new Option<string>("--data") { Description = "Training data: .jsonl, .json or .parquet.", Required = true };
        var output = new Option<string>("--output", "--out") { Description = "Run directory (metrics, TensorBoard events, checkpoints).", Required = true };
        var config = new Option<string?>("--config") { Description = "GRPO options file (.json, .yaml) with TRL-style snake_case keys; see docs/grpo.md." };
        var reward = new Option<string>("--reward") { Description = "Reward functions name[(key=value;...)][:weight],... (default format:0.1,accuracy:1); model-based: reward_model, helpfulness, harmlessness, judge (docs/reward-models.md).", DefaultValueFactory = _ => "format:0.1,accuracy:1" };
        var template = new Option<string>("--template") { Description = "r1zero (the paper's template, for base models) or chat (the model's chat template).", DefaultValueFactory = _ => "r1zero" };
        var promptField = new Option<string?>("--prompt-field") { Description = "Row field with the question (default: prompt, problem or question)." };
        var set = new Option<string[]>("--set") { Description = "Option override key=value (snake_case, e.g. --set beta=0 --set loss_type=dapo); repeatable.", AllowMultipleArgumentsPerToken = true };
        var steps = new Option<int?>("--steps") { Description = "Shortcut for --set max_steps=N." };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in --output: from the newest checkpoint ('latest', the default when no value is given) or from a checkpoint directory; refused if a setting that alters the run changed.", Arity = ArgumentArity.ZeroOrOne };
        var overwrite = new Option<bool>("--overwrite") { Description = "Start afresh in an --output that holds an earlier run: delete its checkpoints and metrics first (without it, such a start is refused)." };
        var endpoints = new Option<string?>("--rollout-endpoints") { Description = "Comma-separated base URLs of OpenAI-compatible servers (r1 serve, vLLM, SGLang) to generate on; the policy is pushed to them after each update. Default: generate in-process." };
        var backend = new Option<string?>("--rollout-backend") { Description = "Engine behind --rollout-endpoints: r1, vllm or sglang (how weights are loaded; shortcut for --set rollout_backend=...; docs/serve.md). Default r1." };
        var endpointKeyEnv = new Option<string>("--rollout-api-key-env") { Description = "Environment variable holding the rollout servers' API key.", DefaultValueFactory = _ => "R1_API_KEY" };
        var bf16 = new Option<bool>("--bf16") { Description = "bf16 mixed precision: bf16 forward and backward, float32 master weights, AdamW state, reductions and checkpoints (shortcut for --set bf16=true; docs/grpo.md)." };
        var rolloutDtype = new Option<string?>("--rollout-dtype") { Description = "float32 or bfloat16: precision of in-process rollouts; the mismatch with training is corrected (shortcut for --set rollout_dtype=...). Default float32." };
        var lora = new LoraFlags();
        var command = new Command("grpo", "Train a Hugging Face model with GRPO on a data set with rule-based rewards.")
        {
            model, data, output, config, reward, template, promptField, set, steps, resume, overwrite, endpoints, backend, endpointKeyEnv, bf16, rolloutDtype,
        };
        foreach (var option in lora.All) command.Options.Add(option);
        command.SetGuardedAction(async (parse, ct) =>
        {
            var overrides = lora.Overrides(parse).Concat(parse.GetValue(set) ?? []).ToList();
            if (parse.GetValue(steps) is int n) overrides.Add("max_steps=" + n.ToString(CultureInfo.InvariantCulture));
            if (parse.GetValue(backend) is { } engine) overrides.Add("rollout_backend=" + engine);
            if (parse.GetValue(bf16)) overrides.Add("bf16=true");
            if (parse.GetValue(rolloutDtype) is { } precision) overrides.Add("rollout_dtype=" + precision);
            var options = await GrpoOptionsFile.LoadAsync(parse.GetValue(config), overrides, null, ct);
            var kind = parse.GetValue(template) switch
            {
                "r1zero" => PromptTemplateKind.R1Zero,
                "chat" => PromptTemplateKind.Chat,
                var other => throw new ConfigurationException($"--template: expected r1zero or chat, got '{other}'."),
            };
            RemoteRolloutOptions? remote = null;
            if (parse.GetValue(endpoints) is { Length: > 0 } list)
            {
                var urls = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(u => Uri.TryCreate(u.EndsWith('/') ? u : u + "/", UriKind.Absolute, out var uri) ? uri : throw new ConfigurationException($"--rollout-endpoints: '{u}' is not a URL"))
                    .ToList();
                string? key = Environment.GetEnvironmentVariable(parse.GetValue(endpointKeyEnv)!);
                remote = new RemoteRolloutOptions { Endpoints = urls, ApiKey = string.IsNullOrEmpty(key) ? null : key };
            }
            string? resumeFrom = parse.GetResult(resume) is null ? null : parse.GetValue(resume) ?? GrpoTrainer.LatestCheckpoint;
            var request = new GrpoRunRequest(parse.GetValue(model)!, parse.GetValue(data)!, parse.GetValue(output)!, options,
                parse.GetValue(reward)!, kind, parse.GetValue(promptField), resumeFrom is not null, remote, parse.GetValue(overwrite),
                resumeFrom is null or GrpoTrainer.LatestCheckpoint ? null : resumeFrom)
            {
                // The rule rewards plus reward_model/helpfulness/harmlessness/judge (docs/reward-models.md).
                RewardRegistry = ModelBasedRewards.CreateRegistry(options.Device),
            };
            var result = await HuggingFaceGrpoRun.RunAsync(request, new SynchronousProgress<GrpoProgress>(Print), ct);
            if (CollectiveBackends.Current is { Rank: > 0 }) return 0; // one report per job, from rank 0
            Console.WriteLine($"done: {result.Steps} steps ({result.Steps - result.StartedAtStep} in this process), {result.Seconds:0} s. Checkpoints in {Path.Combine(request.OutputDirectory, "checkpoints")}");
            return 0;
        });
        return command;
    }

    private static void Print(GrpoProgress p)
    {
        string F(string key) => p.Metrics.TryGetValue(key, out double v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";
        Console.WriteLine($"step {p.Step}/{p.MaxSteps} reward {F("reward")} kl {F("kl")} len {F("completions/mean_length")} " +
            $"clip {F("clip_ratio/region_mean")} {F("step_time")}s/step eta {p.Eta:hh\\:mm\\:ss}");
    }
}
