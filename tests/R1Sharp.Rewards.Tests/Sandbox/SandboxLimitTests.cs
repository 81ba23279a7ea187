using System.Diagnostics;
using System.Text;
using R1Sharp.Rewards.Sandbox;

namespace R1Sharp.Rewards.Tests.Sandbox;

[Collection("sandbox")]
public sealed class SandboxLimitTests(SandboxFixture fixture)
{
    // Generous by default: on a loaded 2-core machine a run gets a small share of a core, and a test must fail only
    // for the limit it is about. Each test tightens just that limit.
    private static readonly ResourceLimits Short = new()
    {
        CpuTime = TimeSpan.FromSeconds(10),
        WallClock = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public async Task An_infinite_loop_is_stopped_by_the_cpu_limit()
    {
        var result = await fixture.RunPythonAsync("while True:\n    pass", limits: Short with { CpuTime = TimeSpan.FromSeconds(1) });
        Assert.Equal(SandboxTermination.Signaled, result.Termination);
        Assert.Equal("SIGXCPU", result.SignalName);
        Assert.Empty(ProcScan.ProcessesOf([result.SlotUid]));
    }

    [Fact]
    public async Task Sleeping_past_the_wall_clock_is_killed()
    {
        var limits = Short with { WallClock = TimeSpan.FromSeconds(3) };
        var result = await fixture.RunPythonAsync("import time\nprint('start', flush=True)\ntime.sleep(60)\nprint('end')", limits: limits);
        Assert.Equal(SandboxTermination.WallClockLimit, result.Termination);
        Assert.Equal("start\n", Encoding.UTF8.GetString(result.Stdout));
        Assert.True(result.WallTime < TimeSpan.FromSeconds(60));
        Assert.Empty(ProcScan.ProcessesOf([result.SlotUid]));
    }

    [Fact]
    public async Task A_memory_hog_hits_the_address_space_limit()
    {
        var limits = Short with { AddressSpaceBytes = 256L * 1024 * 1024 };
        var result = await fixture.RunPythonAsync("chunks = []\nwhile True:\n    chunks.append(bytearray(16 * 1024 * 1024))", limits: limits);
        Assert.Equal(SandboxTermination.Exited, result.Termination);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("MemoryError", result.Stderr);
    }

    [Fact]
    public async Task A_fork_bomb_is_contained_and_leaves_nothing_running()
    {
        var limits = Short with { WallClock = TimeSpan.FromSeconds(2), MaxProcesses = 32 };
        var bomb = fixture.RunPythonAsync(
            "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass", limits: limits);
        // The host stays responsive while the bomb runs: it can still start and finish processes of its own.
        using (var probe = Process.Start(new ProcessStartInfo("/usr/bin/true") { UseShellExecute = false })!)
        {
            await probe.WaitForExitAsync();
            Assert.Equal(0, probe.ExitCode);
        }
        var result = await bomb;
        Assert.Equal(SandboxTermination.WallClockLimit, result.Termination);
        Assert.Empty(ProcScan.ProcessesOf([result.SlotUid]));
    }

    [Fact]
    public async Task A_gigabyte_output_flood_is_cut_at_the_cap()
    {
        var limits = Short with { MaxStdoutBytes = 1 << 20 };
        var result = await fixture.RunPythonAsync(
            "import sys\nblock = b'x' * (1 << 20)\nfor _ in range(1024):\n    sys.stdout.buffer.write(block)", limits: limits);
        Assert.Equal(SandboxTermination.OutputLimit, result.Termination);
        Assert.Equal(1 << 20, result.Stdout.Length);
        Assert.Empty(ProcScan.ProcessesOf([result.SlotUid]));
    }

    [Fact]
    public async Task A_daemon_that_double_forks_and_setsids_is_killed_with_the_run()
    {
        const string script = """
            import os, sys, time
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    os.close(1); os.close(2)
                    time.sleep(120)
                    os._exit(0)
                os._exit(0)
            time.sleep(0.3)
            print('parent done')
            """;
        var result = await fixture.RunPythonAsync(script);
        Assert.True(result.Succeeded, result.Stderr);
        Assert.Equal("parent done\n", Encoding.UTF8.GetString(result.Stdout));
        Assert.Empty(ProcScan.ProcessesOf([result.SlotUid]));
    }

    [Fact]
    public async Task Writing_a_file_larger_than_the_file_size_limit_fails()
    {
        var limits = Short with { MaxFileSizeBytes = 1024 * 1024 };
        var result = await fixture.RunPythonAsync(
            "import signal\nsignal.signal(signal.SIGXFSZ, signal.SIG_IGN)\ntry:\n    open('big', 'wb').write(b'x' * (4 << 20))\n    print('wrote')\nexcept OSError as e:\n    print('refused', e.errno)",
            limits: limits);
        Assert.True(result.Succeeded, result.Stderr);
        Assert.StartsWith("refused 27", Encoding.UTF8.GetString(result.Stdout));
    }

    [Fact]
    public async Task Two_hundred_back_to_back_runs_all_start()
    {
        var request = new SandboxRequest(["/bin/sh", "-c", "echo start; /usr/bin/true; echo $(( 6 * 7 ))"], ResourceLimits.Default);
        var runs = Enumerable.Range(0, 200).Select(_ => fixture.Sandbox.RunAsync(request)).ToList();
        var results = await Task.WhenAll(runs);
        var failures = results.Where(r => !r.Succeeded || Encoding.UTF8.GetString(r.Stdout) != "start\n42\n").ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of 200 failed; first: {failures.FirstOrDefault()?.Stderr}");
        Assert.Empty(ProcScan.ProcessesOf(fixture.Sandbox.SlotUids));
    }
}
