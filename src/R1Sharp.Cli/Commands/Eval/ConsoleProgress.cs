using R1Sharp.Evaluation;
using Spectre.Console;

namespace R1Sharp.Cli.Commands.Eval;

/// <summary>
/// Shows an evaluation's progress: a Spectre.Console bar with samples done, accuracy so far and ETA on a terminal;
/// plain lines (at most one per <see cref="PlainInterval"/>) when output is redirected, so logs stay readable.
/// </summary>
internal static class ConsoleProgress
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(15);

    public static async Task<T> RunAsync<T>(IAnsiConsole console, Func<IProgress<EvaluationProgress>, Task<T>> work)
    {
        if (!console.Profile.Capabilities.Interactive)
            return await work(new PlainLines(console)).ConfigureAwait(false);

        T result = default!;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("starting", maxValue: 1);
                result = await work(new BarUpdater(task)).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        return result;
    }

    public static string Describe(EvaluationProgress p)
    {
        string eta = p.EstimatedRemaining is { } remaining ? $"ETA {remaining:hh\\:mm\\:ss}" : "ETA --";
        string failed = p.Failed > 0 ? $" | {p.Failed} failed" : "";
        return $"{p.Benchmark} | {p.SamplesDone}/{p.SamplesTotal} samples | accuracy {p.AccuracySoFar:P1}{failed} | {eta}";
    }

    private sealed class BarUpdater(ProgressTask task) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value)
        {
            task.MaxValue = Math.Max(1, value.SamplesTotal);
            task.Value = value.SamplesDone + value.Failed;
            task.Description = Markup.Escape(Describe(value));
        }
    }

    private sealed class PlainLines(IAnsiConsole console) : IProgress<EvaluationProgress>
    {
        private DateTime _last = DateTime.MinValue;

        public void Report(EvaluationProgress value)
        {
            bool finished = value.SamplesDone + value.Failed >= value.SamplesTotal;
            lock (this)
            {
                if (!finished && DateTime.UtcNow - _last < PlainInterval) return;
                _last = DateTime.UtcNow;
            }
            console.WriteLine(Describe(value));
        }
    }
}
