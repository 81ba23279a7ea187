using System.Globalization;
using R1Sharp.Cli.Errors;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Zero;
using R1Sharp.Training.Zero.Tools;
using Spectre.Console;

namespace R1Sharp.Cli.Commands;

/// <summary>`r1 zero --tools`: R1-Zero on long multiplication with a calculator tool, against the same base trained without it.</summary>
internal static class ZeroToolsMode
{
    public static async Task<int> RunAsync(string dir, bool quick, int? seed, int? steps, int? pretrainSteps, int? threads, IReadOnlyList<string> set,
        bool resumeOrConfig, CancellationToken ct)
    {
        if (resumeOrConfig) throw new UsageException("r1 zero --tools: --resume and --config are not supported (a tools run is a few minutes; start a new one, and change GRPO options with --set)");
        var options = quick ? ZeroToolOptions.Quick(dir) : new ZeroToolOptions { OutputDirectory = dir };
        if (seed is int s) options = options with { Seed = s, Grpo = options.Grpo with { Seed = s } };
        if (threads is int th) options = options with { Threads = th };
        if (pretrainSteps is int ps) options = options with { Pretrain = options.Pretrain with { Steps = ps } };
        var overrides = set.ToList();
        if (steps is int st) overrides.Add($"max_steps={st}");
        if (overrides.Count > 0) options = options with { Grpo = await GrpoOptionsFile.LoadAsync(null, overrides, options.Grpo, ct) };
        Console.WriteLine($"r1 zero --tools -> {Path.GetFullPath(dir)}");
        var summary = await ZeroProgressView.RunAsync(progress => ZeroToolPipeline.RunAsync(options, progress, ct), Describe);
        Print(summary, dir);
        return 0;
    }

    private static string Describe(ZeroProgress p)
    {
        string F(string key) => p.Values.TryGetValue(key, out double v) ? v.ToString("0.00", CultureInfo.InvariantCulture) : "-";
        return p.Phase switch
        {
            "rl" => ZeroProgressView.Describe(p) + $" tool calls {F("tools/call_rate")}",
            "rl_no_tools" => "no tools: " + ZeroProgressView.Describe(p with { Phase = "rl" }),
            "eval_before" => "evaluating the base model with and without the tool",
            "eval_after" => "evaluating after GRPO with the tool",
            "eval_no_tools_after" => "evaluating after GRPO without the tool",
            _ => ZeroProgressView.Describe(p),
        };
    }

    private static void Print(ZeroToolSummary s, string dir)
    {
        string P(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        var table = new Table().AddColumns("", "pass@1", "tool-call rate");
        table.AddRow("base model, with the tool", P(s.Pass1Before), P(s.ToolCallRateBefore));
        table.AddRow("base model, without the tool", P(s.Pass1BeforeNoTools), "");
        table.AddRow($"after {s.Steps} GRPO steps with the tool", P(s.Pass1After), P(s.ToolCallRateAfter));
        table.AddRow($"after {s.Steps} GRPO steps without the tool", P(s.Pass1NoToolsAfter), P(s.ToolCallRateNoToolsAfter) + " (unanswered)");
        AnsiConsole.Write(table);
        string load = string.Join(" -> ", s.LoadAverage.Values.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture)));
        Console.WriteLine($"{s.Seconds:0} s wall, {s.CpuSeconds:0} s CPU, {s.Threads} thread(s), load average {load}. Report: {Path.Combine(dir, ZeroToolReport.FileName)}");
    }
}
