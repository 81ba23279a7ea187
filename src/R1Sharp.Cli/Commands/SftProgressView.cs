using R1Sharp.Training.Sft;
using Spectre.Console;

namespace R1Sharp.Cli.Commands;

/// <summary>Console progress of an SFT run: a bar with loss, learning rate and throughput; plain lines when the
/// output is not a terminal (logs, CI).</summary>
internal static class SftProgressView
{
    public static async Task<T> RunAsync<T>(Func<IProgress<SftProgress>, Task<T>> run, TextWriter output)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
            return await run(new LineProgress(output)).ConfigureAwait(false);

        T result = default!;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("sft", maxValue: 1);
                result = await run(new BarProgress(task)).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        return result;
    }

    private static string Describe(SftProgress p) =>
        $"step {p.Step}/{p.TotalSteps} loss {p.Metrics.Loss:F4}" +
        (p.Metrics.ValidationLoss is { } v ? $" eval {v:F4}" : "") +
        $" lr {p.Metrics.LearningRate:E2} pad {p.Metrics.PaddingShare:P1} {p.Metrics.TokensPerSecond:F0} tok/s";

    private sealed class BarProgress(ProgressTask task) : IProgress<SftProgress>
    {
        public void Report(SftProgress value)
        {
            task.MaxValue = value.TotalSteps;
            task.Value = value.Step;
            task.Description = Markup.Escape(Describe(value));
        }
    }

    private sealed class LineProgress(TextWriter output) : IProgress<SftProgress>
    {
        public void Report(SftProgress value)
        {
            // Every step when short, else about 100 lines per run.
            int every = Math.Max(1, value.TotalSteps / 100);
            if (value.Step % every == 0 || value.Step == value.TotalSteps || value.Metrics.ValidationLoss is not null)
                output.WriteLine(Describe(value));
        }
    }
}
