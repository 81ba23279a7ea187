using R1Sharp;
using R1Sharp.Cli;

// `r1`: a thin front end. Each command lives in Commands/<Name>Command.cs, parses its options and
// calls the library; nothing here knows how training or verification work.
// First, before libtorch loads: allocator and OpenMP settings that only take effect at process start (re-executes
// once, in place; R1SHARP_NATIVE_TUNING=0 turns it off).
NativeRuntimeTuning.ReexecuteIfNeeded();
return await CliApp.BuildRoot().Parse(args).InvokeAsync();
