using System.Globalization;
using R1Sharp.Training.Zero;
using Spectre.Console;

namespace R1Sharp.Cli.Commands;

/// <summary>
/// Shows the progress of r1 zero (and of r1 distill-zero, which reports the same way): a Spectre progress bar on a
/// terminal, plain lines (one per step or so) in CI logs.
/// </summary>
internal static class ZeroProgressView
{
    /// <summary>Runs <paramref name="work"/> with a progress display; <paramref name="describe"/> words each report (default: r1 zero's phases).</summary>
    public static async Task<T> RunAsync<T>(Func<IProgress<ZeroProgress>, Task<T>> work, Func<ZeroProgress, string>? describe = null)
    {
        describe ??= Describe;
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            string lastPhase = "";
            var plain = new SynchronousProgress<ZeroProgress>(p =>
            {
                bool newPhase = p.Phase != lastPhase;
                lastPhase = p.Phase;
                // Short phases (a few batches or models) get a line per step; long ones one per 50 steps.
                bool every = p.Phase == "rl" || p.Total <= 20 || p.Step % 50 == 0 || p.Step == p.Total;
                if (newPhase || (every && p.Step > 0)) Console.WriteLine(describe(p));
            });
            return await work(plain);
        }
        T? result = default;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                var live = new SynchronousProgress<ZeroProgress>(p =>
                {
                    if (!tasks.TryGetValue(p.Phase, out var task))
                    {
                        foreach (var t in tasks.Values) t.Value = t.MaxValue;
                        task = tasks[p.Phase] = ctx.AddTask(p.Phase, maxValue: Math.Max(1, p.Total));
                    }
                    task.Value = p.Step;
                    task.Description = Markup.Escape(describe(p));
                });
                result = await work(live);
            });
        return result!;
    }

    /// <summary>One line for a report of r1 zero.</summary>
    public static string Describe(ZeroProgress p)
    {
        string F(string key, string format) => p.Values.TryGetValue(key, out double v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
        return p.Phase switch
        {
            "pretrain" => $"pretrain {p.Step}/{p.Total} loss {F("loss", "0.000")} eta {p.Eta:mm\\:ss}",
            "rl" => $"rl step {p.Step}/{p.Total} reward {F("reward", "0.000")} acc {F("rewards/accuracy/mean", "0.000")} len {F("completions/mean_length", "0.0")} " +
                    $"refl {F("reflection_rate", "0.00")} {F("step_time", "0.0")}s/step eta {p.Eta:mm\\:ss}" +
                    (p.Values.ContainsKey("eval/pass1") ? $" held-out pass@1 {F("eval/pass1", "0.000")}" : ""),
            "eval_before" => "evaluating the base model (pass@1, greedy)",
            "eval_after" => "evaluating after RL (pass@1, greedy)",
            _ => p.Phase,
        };
    }
}
