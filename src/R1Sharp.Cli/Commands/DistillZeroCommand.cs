using R1Sharp.Cli.Errors;
using System.CommandLine;
using System.Globalization;
using R1Sharp.Distillation.BuiltIn;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Zero;
using Spectre.Console;

namespace R1Sharp.Cli.Commands;

/// <summary>`r1 distill-zero`: distil an r1 zero model into a smaller student and compare with the same student trained by RL alone for the same time.</summary>
internal static class DistillZeroCommand
{
    public static Command Create()
    {
        var teacher = new Option<string>("--teacher") { Description = "The teacher: the --output directory of an r1 zero run (its newest checkpoint is used), or a checkpoint directory.", Required = true };
        var output = new Option<string?>("--output", "--out") { Description = "Output directory (default runs/distill-zero-<timestamp>)." };
        var seed = new Option<int?>("--seed") { Description = "Seed of tasks, student and sampling (default: the teacher run's seed, which keeps its held-out split)." };
        var threads = new Option<int?>("--threads") { Description = "Torch threads (default 0 = one per core; use 1 on a busy machine)." };
        var prompts = new Option<int?>("--prompts") { Description = "Training prompts the teacher answers (default 2000)." };
        var samples = new Option<int?>("--samples") { Description = "Teacher samples per prompt (default 4)." };
        var quick = new Option<bool>("--quick") { Description = "A smoke run (tiny student, few samples and steps): checks the plumbing, not the results." };
        var command = new Command("distill-zero",
            "Distillation vs RL on the built-in tasks: distil an r1 zero model into a smaller student (rejection sampling + SFT) " +
            "and compare its pass@1 with the same student trained by GRPO alone for the same wall time.")
        {
            teacher, output, seed, threads, prompts, samples, quick,
        };
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            string dir = parse.GetValue(output) ?? Path.Combine("runs", $"distill-zero-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
            string teacherDir = parse.GetValue(teacher)!;
            var options = parse.GetValue(quick) ? ZeroDistillOptions.Quick(teacherDir, dir) : new ZeroDistillOptions { TeacherDirectory = teacherDir, OutputDirectory = dir };
            if (parse.GetValue(seed) is int s) options = options with { Seed = s };
            if (parse.GetValue(threads) is int th) options = options with { Threads = th };
            if (parse.GetValue(prompts) is int p) options = options with { TeacherPrompts = p };
            if (parse.GetValue(samples) is int k) options = options with { SamplesPerPrompt = k };
            var stderr = parse.InvocationConfiguration.Error;
            if (options.TeacherPrompts < 1 || options.SamplesPerPrompt < 1)
            {
                stderr.WriteLine("r1 distill-zero: --prompts and --samples must be at least 1.");
                return 2;
            }
            Console.WriteLine($"r1 distill-zero: teacher {Path.GetFullPath(teacherDir)} -> {Path.GetFullPath(dir)}");
            var summary = await ZeroProgressView.RunAsync(progress => ZeroDistillPipeline.RunAsync(options, progress, cancellationToken), Describe);
            Print(summary, dir);
            return 0;
        });
        return command;
    }

    private static string Describe(ZeroProgress p)
    {
        string F(string key, string format) => p.Values.TryGetValue(key, out double v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
        return p.Phase switch
        {
            "load" => "loading the teacher",
            "pretrain" => $"student base: pretrain {p.Step}/{p.Total} loss {F("loss", "0.000")} eta {p.Eta:mm\\:ss}",
            "sample" => $"distillation: teacher sampling, batch {p.Step}/{p.Total} correct {F("accuracy", "0.000")} eta {p.Eta:mm\\:ss}",
            "sft" => p.Total == 0 ? "distillation: no sample kept, SFT skipped" : $"distillation: SFT {p.Step}/{p.Total} loss {F("loss", "0.000")} eta {p.Eta:mm\\:ss}",
            "rl" => $"RL: step {p.Step}/~{p.Total} reward {F("reward", "0.000")} acc {F("rewards/accuracy/mean", "0.000")} " +
                    $"len {F("completions/mean_length", "0.0")} {F("step_time", "0.0")}s/step time left {p.Eta:mm\\:ss}",
            "evaluate" => p.Step < ZeroDistillSummary.ModelOrder.Count ? $"evaluating {ZeroDistillSummary.ModelOrder[p.Step]} ({p.Step + 1}/{p.Total})" : "evaluated",
            _ => p.Phase,
        };
    }

    private static string Label(string model) => model switch
    {
        ZeroDistillSummary.StudentBase => "student base",
        ZeroDistillSummary.StudentDistilled => "distilled",
        ZeroDistillSummary.StudentRl => "RL only",
        _ => model,
    };

    private static void Print(ZeroDistillSummary s, string dir)
    {
        string P(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        var families = s.Models[ZeroDistillSummary.Teacher].Pass1ByFamily.Keys.ToList();
        var table = new Table().AddColumns(["model", "parameters", "pass@1", .. families, "greedy", "training"]);
        foreach (var name in ZeroDistillSummary.ModelOrder)
        {
            var m = s.Models[name];
            string training = name switch
            {
                ZeroDistillSummary.StudentBase => $"{s.StudentPretrainSeconds:0} s",
                ZeroDistillSummary.StudentDistilled => $"+{s.Distillation.Seconds:0.0} s",
                ZeroDistillSummary.StudentRl => $"+{s.Rl.Seconds:0.0} s",
                _ => "r1 zero",
            };
            table.AddRow([Label(name), m.Parameters.ToString("N0", CultureInfo.InvariantCulture), P(m.Pass1), .. families.Select(f => P(m.Pass1ByFamily[f])), P(m.Greedy), training]);
        }
        AnsiConsole.Write(table);
        var d = s.Distillation;
        var r = d.Rejection;
        Console.WriteLine($"Distillation: {r.Responses} teacher samples on {d.Prompts} prompts, {d.Correct} correct; kept {r.Kept} (of {r.PromptsKept} prompts), dropped " +
            string.Join(", ", r.Dropped.Where(x => x.Value > 0).Select(x => $"{x.Key} {x.Value}")) +
            $"; {d.SamplingSeconds:0.0} s sampling + {d.SftSeconds:0.0} s SFT ({d.SftSteps} steps).");
        Console.WriteLine($"RL: {s.Rl.Steps} GRPO steps in {s.Rl.Seconds:0.0} s (budget {s.Rl.BudgetSeconds:0.0} s, the distillation's time).");
        var diff = s.DistilledMinusRl;
        string verdict = diff.IsTie ? "a tie (the interval contains 0)" : diff.Difference > 0 ? "distillation ahead" : "RL ahead";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Distilled minus RL, pass@1: {diff.Difference * 100:+0.0;-0.0;0.0} points, {diff.Level:P0} paired bootstrap interval over problems [{diff.Low * 100:0.0}, {diff.High * 100:0.0}]: {verdict}."));
        Console.WriteLine($"pass@1: mean of {s.EvalSamples} samples per held-out problem ({s.HeldOutProblems} problems), T 0.6, top-p 0.95. " +
            $"{s.Seconds:0} s wall, {s.CpuSeconds:0} s CPU. Summary: {Path.Combine(dir, ZeroDistillPipeline.SummaryFileName)}");
    }
}
