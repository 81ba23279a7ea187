using System.Diagnostics;
using System.Text;
using R1Sharp.Tests.Cli;

namespace R1Sharp.Tests.Distributed;

/// <summary>
/// <c>mpirun -np N dotnet r1.dll ARGS</c> (Open MPI, from scripts/test.sh's install): the 2-rank runs of issue 17.
/// Runs as root are allowed, and ranks may outnumber cores (<c>--oversubscribe</c>: CI machines have two).
/// </summary>
internal sealed class MpiJob : IDisposable
{
    // A safety net against a hung job, not a measurement: a healthy run ends long before it.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private MpiJob(Process process) => _process = process;

    /// <summary>Standard output and error of every rank and of mpirun, interleaved as they came.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Starts <paramref name="ranks"/> ranks of <c>r1 ARGS</c>.</summary>
    public static MpiJob Start(int ranks, params string[] args) =>
        StartMpmd([(ranks, args)]);

    /// <summary>
    /// Starts one mpirun job with several programs (MPMD: <c>-np 1 A : -np 1 B</c>), ranks numbered in order; variables
    /// in <paramref name="environment"/> are set for mpirun and its ranks (removed where null).
    /// </summary>
    public static MpiJob StartMpmd(IReadOnlyList<(int Ranks, string[] Args)> programs, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo("mpirun") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("--oversubscribe");
        info.ArgumentList.Add("--bind-to");
        info.ArgumentList.Add("none");
        for (int p = 0; p < programs.Count; p++)
        {
            if (p > 0) info.ArgumentList.Add(":");
            info.ArgumentList.Add("-np");
            info.ArgumentList.Add(programs[p].Ranks.ToString(System.Globalization.CultureInfo.InvariantCulture));
            info.ArgumentList.Add(CliProcess.DotnetHost());
            info.ArgumentList.Add(CliProcess.CliAssembly);
            foreach (var arg in programs[p].Args) info.ArgumentList.Add(arg);
        }
        info.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        info.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        info.Environment["OMP_NUM_THREADS"] = "1";
        info.Environment.Remove("R1_STACKTRACE");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }
        var process = new Process { StartInfo = info };
        var job = new MpiJob(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (job._output) job._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (job._output) job._output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return job;
    }

    /// <summary>Waits for mpirun to end and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"mpirun (pid {_process.Id}) did not exit; output: {Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>True while mpirun runs.</summary>
    public bool Running => !_process.HasExited;

    /// <summary>
    /// The process id of rank <paramref name="rank"/> of this job: the process whose environment says that rank and whose
    /// command line holds <paramref name="marker"/> (a path unique to the test).
    /// </summary>
    public static int? RankProcess(int rank, string marker)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (!cmdline.Contains(marker, StringComparison.Ordinal) || cmdline.StartsWith("mpirun", StringComparison.Ordinal)) continue;
                string environ = File.ReadAllText(Path.Combine(dir, "environ"));
                if (environ.Split('\0').Contains($"OMPI_COMM_WORLD_RANK={rank}")) return pid;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked, or is not ours.
            }
        }
        return null;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }
}
