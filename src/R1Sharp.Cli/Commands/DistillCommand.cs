using R1Sharp.Cli.Errors;
using System.CommandLine;
using R1Sharp.Data;
using R1Sharp.Distillation;
using R1Sharp.Distributed;
using R1Sharp.Rewards.Composition;

namespace R1Sharp.Cli.Commands;

/// <summary>`r1 distill --config FILE`: sample a teacher, filter, fine-tune a student, evaluate both (R1-Distill).</summary>
internal static class DistillCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "Distillation config (YAML or JSON): prompts, teacher, sampling, filter, student, evaluation. See docs/distill.md; under mpirun the student's SFT runs data-parallel (docs/distributed.md).", Required = true };
        var command = new Command("distill", "R1-Distill in one command: sample a teacher, rejection-filter, SFT a student, compare pass@1 of teacher and student.") { config };
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var settings = DistillConfigFile.Load(parse.GetValue(config)!.FullName);
            var summary = await SftProgressView.RunAsync(
                progress => DistillPipeline.RunAsync(settings, stdout.WriteLine, progress, cancellationToken), stdout).ConfigureAwait(false);
            if (CollectiveBackends.Current is { Rank: > 0 }) return 0; // one report per job, from rank 0 (issue 17)
            static string Pass(double? p) => p is { } v ? $"{v:P1}" : "-";
            stdout.WriteLine($"pass@1: teacher {Pass(summary.TeacherPassAt1)}, student before {Pass(summary.StudentBasePassAt1)}, after {Pass(summary.StudentPassAt1)}; " +
                $"student in {summary.StudentModel}; summary in {Path.Combine(settings.Output, "summary.json")}");
            return 0;
        });
        return command;
    }
}
