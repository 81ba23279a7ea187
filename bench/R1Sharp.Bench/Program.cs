using R1Sharp.Bench;

// Benchmarks, each compared side by side with a peer in the same run. Usage:
//   dotnet run -c Release --project bench/R1Sharp.Bench -- <name> [options]
// `list` prints the names. Results and exact commands are recorded in BENCHMARKS.md.
return await BenchmarkCatalog.RunAsync(args);
