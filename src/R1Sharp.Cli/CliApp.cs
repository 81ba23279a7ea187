using System.CommandLine;
using R1Sharp.Cli.Commands;

namespace R1Sharp.Cli;

/// <summary>Builds the `r1` command tree (separate from Program so tests can drive it in-process).</summary>
internal static class CliApp
{
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("R1Sharp: the DeepSeek-R1 recipe (GRPO, verifiable rewards, R1-Zero, SFT, distillation, evaluation) in .NET.");
        foreach (var command in CommandCatalog.All())
            root.Subcommands.Add(command);
        return root;
    }
}
