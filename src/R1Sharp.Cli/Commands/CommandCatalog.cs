using System.CommandLine;

namespace R1Sharp.Cli.Commands;

/// <summary>Every subcommand of r1, in the order `r1 --help` lists them. Add one line per command.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return InfoCommand.Create();
        yield return ZeroCommand.Create();
        yield return GrpoCommand.Create();
        yield return VerifyCommand.Create();
        yield return TemplateCommand.Create();
        yield return TokenizeCommand.Create();
        yield return ExportGgufCommand.Create();
        yield return NewModelCommand.Create();
        yield return EvalCommand.Create();
        yield return ServeCommand.Create();
        yield return RunCodeCommand.Create();
        yield return RewardsCommand.Create();
        yield return SftCommand.Create();
        yield return RmCommand.Create();
        yield return MergeLoraCommand.Create();
        yield return SampleCommand.Create();
        yield return FilterCommand.Create();
        yield return DistillCommand.Create();
        yield return DistillZeroCommand.Create();
        yield return PipelineCommand.Create();
    }
}
