using R1Sharp.Cli;

// `r1`: a thin front end. Each command lives in Commands/<Name>Command.cs, parses its options and
// calls the library; nothing here knows how training or verification work.
return await CliApp.BuildRoot().Parse(args).InvokeAsync();
