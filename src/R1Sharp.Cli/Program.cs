using System.CommandLine;
using R1Sharp.Cli.Commands;

// `r1`: a thin front end. Each command lives in Commands/<Name>Command.cs, parses its options and
// calls the library; nothing here knows how training or verification work.
var root = new RootCommand("R1Sharp: the DeepSeek-R1 recipe (GRPO, verifiable rewards, R1-Zero, SFT, distillation, evaluation) in .NET.");
foreach (var command in CommandCatalog.All())
    root.Subcommands.Add(command);

return await root.Parse(args).InvokeAsync();
