using System.Diagnostics;
using System.Text;
using R1Sharp.IO;

namespace R1Sharp.Tests.Cli;

/// <summary>
/// A real `r1` process (<c>dotnet r1.dll ARGS</c>, the CLI built beside the tests), for what only separate processes
/// show: OS locks, exit codes, a process killed with SIGKILL. Standard output and error are collected as they come.
/// </summary>
internal sealed class CliProcess : IDisposable
{
    // A safety net against a hung child, not a measurement: a healthy run ends long before it.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private CliProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The r1 CLI assembly the test project copies into its output folder.</summary>
    public static string CliAssembly => typeof(R1Sharp.Cli.CliApp).Assembly.Location;

    public int Id => _process.Id;

    public string Stdout
    {
        get { lock (_stdout) return _stdout.ToString(); }
    }

    public string Stderr
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    public static CliProcess Start(params string[] args) => Start(new Dictionary<string, string?>(), args);

    /// <summary>Starts r1 with <paramref name="environment"/> changed (a null value removes the variable).</summary>
    public static CliProcess Start(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(CliAssembly);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment.Remove("R1_STACKTRACE");
        foreach (var (name, value) in environment)
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        var process = new Process { StartInfo = info };
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (cli._stdout) cli._stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (cli._stderr) cli._stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Waits for the process to end and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"r1 (pid {Id}) did not exit; stderr: {Stderr}");
        }
        return _process.ExitCode;
    }

    /// <summary>
    /// Waits until the holder file of <paramref name="lockFile"/> names this process, i.e. it holds the lock; fails
    /// if the process ends first.
    /// </summary>
    public async Task WaitUntilItHoldsAsync(string lockFile)
    {
        string holderFile = lockFile + RunDirectoryLock.HolderSuffix;
        var deadline = DateTime.UtcNow + Patience;
        while (RunLockHolder.TryRead(holderFile)?.ProcessId != Id)
        {
            if (_process.HasExited) throw new InvalidOperationException($"r1 (pid {Id}) exited with {_process.ExitCode} before taking the lock; stderr: {Stderr}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"r1 (pid {Id}) never took {lockFile}; stderr: {Stderr}");
            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILL on Linux and macOS (TerminateProcess on Windows): the process gets no chance to clean up.</summary>
    public async Task<int> KillHardAsync()
    {
        _process.Kill();
        return await WaitForExitAsync();
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

    // The dotnet host running the tests (dotnet test sets DOTNET_HOST_PATH), else the one on PATH.
    internal static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return "dotnet";
    }
}
