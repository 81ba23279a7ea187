using System.CommandLine;
using System.Globalization;
using R1Sharp.Cli.Errors;
using R1Sharp.Distributed;
using R1Sharp.Pipeline;
using R1Sharp.Training.Zero;
using Spectre.Console;

namespace R1Sharp.Cli.Commands;

/// <summary>`r1 pipeline`: DeepSeek-R1's four stages on the built-in world, with no files needed.</summary>
internal static class PipelineCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--output", "--out") { Description = "Output directory (default runs/pipeline-<timestamp>)." };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --output at the stage and step where it stopped." };
        var quick = new Option<bool>("--quick") { Description = "A ~1-minute smoke run (tiny model, few steps): checks the plumbing, not the results." };
        var seed = new Option<int?>("--seed") { Description = $"Seed of tasks, model, data order and sampling (default {new PipelineOptions().Seed})." };
        var threads = new Option<int?>("--threads") { Description = "Torch threads (default 0 = one per core; use 1 on a busy machine)." };
        var pretrainSteps = new Option<int?>("--pretrain-steps") { Description = $"Pre-training steps of the base model (default {new PipelineOptions().Pretrain.Steps})." };
        var rlSteps = new Option<int?>("--rl-steps") { Description = $"GRPO steps of stage 2 and of stage 4 (default {new PipelineOptions().ReasoningRl.MaxSteps})." };
        var noAblation = new Option<bool>("--no-ablation") { Description = "Skip the second stage-2 run without the language-consistency reward." };
        var judgeEndpoint = new Option<string?>("--judge-endpoint") { Description = "OpenAI-compatible endpoint of a generative judge (e.g. http://localhost:8000/v1) that keeps the stage-3 chat candidates it accepts (default: none; the trained reward model chooses them)." };
        var judgeModel = new Option<string?>("--judge-model") { Description = "The judge's model name on that server (needed with --judge-endpoint)." };
        var command = new Command("pipeline", "DeepSeek-R1's four stages on built-in tasks: cold start, reasoning RL (with the language-consistency reward), rejection sampling + SFT, RL for all scenarios (rule rewards + a trained reward model).")
        {
            output, resume, quick, seed, threads, pretrainSteps, rlSteps, noAblation, judgeEndpoint, judgeModel,
        };
        command.SetGuardedAction(async (parse, ct) =>
        {
            CollectiveBackends.ThrowIfLaunchedWithSeveralRanks("r1 pipeline");
            if (parse.GetValue(resume) && parse.GetValue(output) is null)
                throw new UsageException("r1 pipeline: --resume needs --output DIR (the run to continue).");
            string dir = parse.GetValue(output) ?? Path.Combine("runs", $"pipeline-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
            var options = parse.GetValue(quick) ? PipelineOptions.Quick(dir) : new PipelineOptions { OutputDirectory = dir };
            if (parse.GetValue(seed) is int s) options = options with { Seed = s };
            if (parse.GetValue(threads) is int th) options = options with { Threads = th };
            if (parse.GetValue(pretrainSteps) is int ps) options = options with { Pretrain = options.Pretrain with { Steps = ps } };
            if (parse.GetValue(rlSteps) is int rs)
                options = options with { ReasoningRl = options.ReasoningRl with { MaxSteps = rs }, AllScenarioRl = options.AllScenarioRl with { MaxSteps = rs } };
            if (parse.GetValue(noAblation)) options = options with { LanguageAblation = false };
            if (parse.GetValue(judgeEndpoint) is string url)
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
                    throw new UsageException($"r1 pipeline: --judge-endpoint '{url}' is not an http(s) URL (e.g. http://localhost:8000/v1).");
                string model = parse.GetValue(judgeModel) ?? throw new UsageException("r1 pipeline: --judge-endpoint needs --judge-model NAME (the judge's model on that server).");
                options = options with { Judge = new PipelineJudge(endpoint, model) };
            }
            else if (parse.GetValue(judgeModel) is not null) throw new UsageException("r1 pipeline: --judge-model needs --judge-endpoint URL.");
            Console.WriteLine($"r1 pipeline -> {Path.GetFullPath(dir)}");
            var summary = await ZeroProgressView.RunAsync(progress => PipelineRunner.RunAsync(options, parse.GetValue(resume), progress, ct), Describe);
            Print(summary, dir);
            return 0;
        });
        return command;
    }

    private static string Describe(ZeroProgress p)
    {
        string F(string key, string format) => p.Values.TryGetValue(key, out double v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
        if (p.Values.ContainsKey("kept")) return $"{p.Phase}: done in an earlier run, kept";
        if (p.Values.ContainsKey("reward"))
            return $"{p.Phase} step {p.Step}/{p.Total} reward {F("reward", "0.000")} acc {F("rewards/accuracy/mean", "0.000")} lang {F("rewards/language/mean", "0.000")} " +
                   $"rm {F("rewards/reward_model/mean", "0.000")} len {F("completions/mean_length", "0.0")} eta {p.Eta:mm\\:ss}";
        if (p.Values.ContainsKey("pass1"))
            return $"{p.Phase}: pass@1 {F("pass1", "0.000")} language consistency {F("language_consistency", "0.000")} rm score {F("rm_score", "0.000")}";
        if (p.Values.ContainsKey("loss")) return $"{p.Phase} step {p.Step}/{p.Total} loss {F("loss", "0.000")} eta {p.Eta:mm\\:ss}";
        return $"{p.Phase} {p.Step}/{p.Total}";
    }

    private static void Print(PipelineSummary s, string dir)
    {
        var table = new Table().AddColumns("stage", "pass@1", "language consistency", "mixed-language rate", "RM score", "mean length");
        foreach (var stage in s.Stages)
        {
            var d = s.Details[stage.Name];
            table.AddRow(stage.Name, P(stage.Pass1), stage.LanguageConsistency.ToString("0.000", CultureInfo.InvariantCulture), P(d["mixed_language_rate"]),
                stage.RmScore.ToString("0.000", CultureInfo.InvariantCulture), stage.MeanLength.ToString("0.0", CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(table);
        if (s.LanguageAblation is { } a)
            Console.WriteLine($"Stage 2 without the language reward: consistency {a.Without.LanguageConsistency:0.000} (with: {a.With.LanguageConsistency:0.000}), " +
                $"mixed {P(a.MixedRateWithout)} (with: {P(a.MixedRateWith)}), pass@1 {P(a.Without.Pass1)} (with: {P(a.With.Pass1)}).");
        Console.WriteLine($"{s.Seconds:0} s wall, {s.CpuSeconds:0} s CPU. Report: {Path.Combine(dir, PipelineReport.FileName)}");
    }

    private static string P(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
