using R1Sharp.Distributed;
using R1Sharp.Cli.Errors;
using System.CommandLine;
using System.Globalization;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Reports;
using R1Sharp.Training.Zero;
using Spectre.Console;

namespace R1Sharp.Cli.Commands;

/// <summary>`r1 zero`: the R1-Zero demonstration on the built-in tasks, with no files needed.</summary>
internal static class ZeroCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--output", "--out") { Description = "Output directory (default runs/zero-<timestamp>)." };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --output from its last checkpoint." };
        var quick = new Option<bool>("--quick") { Description = "A ~1-minute smoke run (tiny model, few steps): checks the plumbing, not the results." };
        var seed = new Option<int?>("--seed") { Description = $"Seed of tasks, model, data order and sampling (default {new ZeroOptions().Seed})." };
        var steps = new Option<int?>("--steps") { Description = $"GRPO steps (default {new ZeroOptions().Grpo.MaxSteps})." };
        var pretrainSteps = new Option<int?>("--pretrain-steps") { Description = $"Pre-training steps of the base model (default {new ZeroOptions().Pretrain.Steps})." };
        var threads = new Option<int?>("--threads") { Description = "Torch threads of the RL stage and evaluations (default 1; 0 = one per core). Pre-training runs on pretrain_threads (default 1; --config)." };
        var config = new Option<FileInfo?>("--config") { Description = "Settings file (JSON, the format of a run's zero_config.json; any subset, merged over the defaults): model, pretrain, noise, countdown, arithmetic, family_weights, held_out_per_family, eval_samples, grpo, ..." };
        var bf16 = new Option<bool>("--bf16") { Description = "bf16 mixed precision for GRPO too (float32 master weights, AdamW state and checkpoints). Pre-training is bf16 by default where the CPU has bf16 instructions (avx512_bf16 or AMX); a --config file with {\"pretrain\": {\"bf16\": false}} keeps it float32." };
        var set = new Option<string[]>("--set") { Description = "GRPO option override key=value (snake_case, as in a config file); repeatable.", AllowMultipleArgumentsPerToken = true };
        var tools = new Option<bool>("--tools") { Description = "R1-Zero with a tool: long multiplication, a calculator tool, GRPO with and without it from the same base (docs/zero.md)." };
        var command = new Command("zero", "R1-Zero on built-in tasks: pre-train a small base model, then GRPO with rule-based rewards; prints pass@1 before and after.")
        {
            output, resume, quick, seed, steps, pretrainSteps, threads, config, set, bf16, tools,
        };
        command.SetGuardedAction(async (parse, ct) =>
        {
            string dir = parse.GetValue(output) ?? Path.Combine("runs", $"zero-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
            if (parse.GetValue(resume) && parse.GetValue(output) is null)
            {
                parse.InvocationConfiguration.Error.WriteLine("r1 zero: --resume needs --output DIR (the run to continue).");
                return 2;
            }
            if (parse.GetValue(tools))
                return await ZeroToolsMode.RunAsync(dir, parse.GetValue(quick), parse.GetValue(seed), parse.GetValue(steps), parse.GetValue(pretrainSteps), parse.GetValue(threads),
                    parse.GetValue(set) ?? [], parse.GetValue(resume) || parse.GetValue(config) is not null, ct);
            ZeroOptions options;
            options = parse.GetValue(config) is { } file
                ? await ZeroOptionsFile.LoadFileAsync(file.FullName, ct) with { OutputDirectory = dir }
                : parse.GetValue(quick) ? ZeroOptions.Quick(dir) : new ZeroOptions { OutputDirectory = dir };
            if (parse.GetValue(seed) is int s) options = options with { Seed = s, Grpo = options.Grpo with { Seed = s } };
            if (parse.GetValue(threads) is int th) options = options with { Threads = th };
            if (parse.GetValue(pretrainSteps) is int ps) options = options with { Pretrain = options.Pretrain with { Steps = ps } };
            if (parse.GetValue(bf16)) options = options with { Pretrain = options.Pretrain with { Bf16 = true }, Grpo = options.Grpo with { Bf16 = true } };
            var overrides = (parse.GetValue(set) ?? []).ToList();
            if (parse.GetValue(steps) is int st) overrides.Add($"max_steps={st}");
            if (overrides.Count > 0) options = options with { Grpo = await GrpoOptionsFile.LoadAsync(null, overrides, options.Grpo, ct) };
            if (CollectiveBackends.LaunchedRanks > 1 && parse.GetValue(output) is null)
                throw new UsageException("r1 zero on several ranks needs --output DIR: every rank must write to the same run folder.");
            Console.WriteLine($"r1 zero -> {Path.GetFullPath(dir)}");
            var summary = await ZeroProgressView.RunAsync(progress => ZeroPipeline.RunAsync(options, parse.GetValue(resume), progress, ct));
            if (CollectiveBackends.Current is { Rank: > 0 }) return 0; // one report per job, from rank 0
            Print(summary, dir);
            return 0;
        });
        return command;
    }

    private static void Print(ZeroSummary s, string dir)
    {
        var table = new Table().AddColumns("", "before RL", "after RL");
        string P(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        table.AddRow("pass@1 (k samples, T=0.6, top-p 0.95)", P(s.Pass1Before), P(s.Pass1After));
        foreach (var (family, v) in s.Tasks) table.AddRow($"  pass@1 {family}", P(v["pass1_before"]), P(v["pass1_after"]));
        table.AddRow("greedy accuracy", P(s.GreedyBefore), P(s.GreedyAfter));
        table.AddRow("format", P(s.FormatBefore), P(s.FormatAfter));
        table.AddRow("mean length (tokens)", s.MeanLengthBefore.ToString("0.0", CultureInfo.InvariantCulture), s.MeanLengthAfter.ToString("0.0", CultureInfo.InvariantCulture));
        table.AddRow("reflection rate", P(s.ReflectionRateBefore), P(s.ReflectionRateAfter));
        AnsiConsole.Write(table);
        foreach (var (family, b) in s.Baselines) Console.WriteLine($"Baselines, {family} (same held-out problems): {ZeroReport.BaselineText(b)}.");
        Console.WriteLine($"{s.Steps} GRPO steps, {s.Seconds:0} s wall, {s.CpuSeconds:0} s CPU. Report: {Path.Combine(dir, "report.html")}");
    }
}
