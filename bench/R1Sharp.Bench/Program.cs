using R1Sharp;
using R1Sharp.Bench;

// Benchmarks, each compared side by side with a peer in the same run. Usage:
//   dotnet run -c Release --project bench/R1Sharp.Bench -- <name> [options]
// `list` prints the names. Results and exact commands are recorded in BENCHMARKS.md.
// The same native allocator and OpenMP settings as `r1` (R1SHARP_NATIVE_TUNING=0 measures without them).
NativeRuntimeTuning.ReexecuteIfNeeded();
return await BenchmarkCatalog.RunAsync(args);
