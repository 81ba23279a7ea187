using System.Diagnostics;
using System.Text;
using R1Sharp.Rewards.Sandbox;

namespace R1Sharp.Bench;

/// <summary>
/// Per-run cost of the code sandbox against starting the same program bare, in one run, interleaved so machine
/// load affects both alike: `python3 -c pass` and a small stdin/stdout program, sequential (latency) and with
/// every worker slot busy (throughput).
/// </summary>
internal static class SandboxOverhead
{
    private const string Python = "/usr/bin/python3";
    private const string EchoSum = "import sys\nprint(sum(int(x) for x in sys.stdin.read().split()))";

    public static async Task<int> RunAsync(string[] args)
    {
        int runs = args.Length > 0 ? int.Parse(args[0]) : 100;
        using var sandbox = await BubblewrapSandbox.StartAsync();
        using var program = sandbox.CreateProgramDirectory();
        await program.WriteFileAsync("main.py", EchoSum);
        byte[] input = Encoding.ASCII.GetBytes(string.Join(' ', Enumerable.Range(1, 100)));

        var cases = new (string Name, string[] Bare, IReadOnlyList<string> Sandboxed, byte[] Stdin)[]
        {
            ("python3 -c pass", [Python, "-c", "pass"], [Python, "-c", "pass"], []),
            ("stdin/stdout sum", [Python, program.PathOf("main.py")], [Python, $"{SandboxPaths.Program}/main.py"], input),
        };
        Console.WriteLine($"sandbox: {sandbox.WorkerSlots} worker slots, {runs} runs per case, {Environment.ProcessorCount} cores");
        Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine("wall ms: median of interleaved sequential runs; /s: all runs in flight at once");
        Console.WriteLine($"{"case",-18} {"bare ms",9} {"sandbox ms",11} {"ratio",6} {"overhead ms",12} {"bare/s",8} {"sandbox/s",10}");
        foreach (var (name, bare, sandboxed, stdin) in cases)
        {
            var request = new SandboxRequest(sandboxed, ResourceLimits.Default) { Program = program, Stdin = stdin };
            // Warm-up both paths (page cache, JIT).
            await RunBareAsync(bare, stdin);
            await sandbox.RunAsync(request);

            var bareTimes = new List<double>();
            var boxTimes = new List<double>();
            for (int i = 0; i < runs; i++)
            {
                var sw = Stopwatch.StartNew();
                await RunBareAsync(bare, stdin);
                bareTimes.Add(sw.Elapsed.TotalMilliseconds);
                sw.Restart();
                var result = await sandbox.RunAsync(request);
                boxTimes.Add(sw.Elapsed.TotalMilliseconds);
                if (!result.Succeeded)
                    throw new InvalidOperationException($"sandboxed run failed: {result.Termination} {result.Stderr}");
            }
            double bareMedian = Median.Of(bareTimes), boxMedian = Median.Of(boxTimes);

            // Throughput: as many runs in flight as slots.
            var sw2 = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, runs).Select(_ => RunBareAsync(bare, stdin)));
            double bareRate = runs / sw2.Elapsed.TotalSeconds;
            sw2.Restart();
            await Task.WhenAll(Enumerable.Range(0, runs).Select(_ => sandbox.RunAsync(request)));
            double boxRate = runs / sw2.Elapsed.TotalSeconds;

            Console.WriteLine($"{name,-18} {bareMedian,9:F1} {boxMedian,11:F1} {boxMedian / bareMedian,6:F2} {boxMedian - bareMedian,12:F1} {bareRate,8:F1} {boxRate,10:F1}");
        }
        Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private static async Task RunBareAsync(string[] argv, byte[] stdin)
    {
        var start = new ProcessStartInfo(argv[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in argv.Skip(1))
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.BaseStream.WriteAsync(stdin);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        await output;
        await error;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"bare run failed: {await error}");
    }

}
