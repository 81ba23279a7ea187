using System.Text;
using R1Sharp.Tests.Cli;

namespace R1Sharp.Tests;

public sealed class NativeRuntimeTuningTests
{
    // The test host usually runs tuned (scripts/test.sh exports the variables): each r1 child starts from an
    // environment without them, so what it reports is its own doing.
    private static readonly Dictionary<string, string?> Untuned = new(StringComparer.Ordinal)
    {
        ["GLIBC_TUNABLES"] = null,
        ["OMP_WAIT_POLICY"] = null,
        [NativeRuntimeTuning.OptOutVariable] = null,
        ["R1SHARP_NATIVE_TUNING_APPLIED"] = null,
    };

    [Fact]
    public void AddsEveryVariableToAnEmptyEnvironment()
    {
        var missing = NativeRuntimeTuning.Missing(_ => null);
        Assert.Equal(NativeRuntimeTuning.GlibcTunables, missing["GLIBC_TUNABLES"]);
        Assert.Equal("PASSIVE", missing["OMP_WAIT_POLICY"]);
    }

    [Fact]
    public void LeavesAVariableTheUserSetAlone()
    {
        var missing = NativeRuntimeTuning.Missing(name => name == "GLIBC_TUNABLES" ? "glibc.malloc.arena_max=2" : null);
        Assert.Equal(["OMP_WAIT_POLICY"], missing.Keys);
    }

    [Theory]
    [InlineData("OMPI_COMM_WORLD_SIZE")]
    [InlineData("PMI_SIZE")]
    [InlineData("PMIX_RANK")]
    public void TurnsTieredCompilationOffOnlyForTheRanksOfAnMpiLauncher(string launcherVariable)
    {
        var rank = NativeRuntimeTuning.Missing(name => name == launcherVariable ? "2" : null);
        Assert.Equal("0", rank["DOTNET_TieredCompilation"]);
        Assert.Equal("PASSIVE", rank["OMP_WAIT_POLICY"]);
        Assert.False(NativeRuntimeTuning.Missing(_ => null).ContainsKey("DOTNET_TieredCompilation"));
    }

    [Theory]
    [InlineData("DOTNET_TieredCompilation")]
    [InlineData("COMPlus_TieredCompilation")]
    public void LeavesTieredCompilationAsTheUserSetIt(string name)
    {
        var missing = NativeRuntimeTuning.Missing(n => n == "OMPI_COMM_WORLD_SIZE" ? "2" : n == name ? "1" : null);
        Assert.False(missing.ContainsKey("DOTNET_TieredCompilation"));
        Assert.Equal(NativeRuntimeTuning.GlibcTunables, missing["GLIBC_TUNABLES"]);
    }

    [Fact]
    public void AddsNothingWhenTurnedOffOrAlreadyAppliedToThisProcess()
    {
        Assert.Empty(NativeRuntimeTuning.Missing(n => n == "R1SHARP_NATIVE_TUNING" ? "0" : null));
        string self = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Empty(NativeRuntimeTuning.Missing(n => n is "R1SHARP_NATIVE_TUNING_APPLIED" ? self : n == "OMPI_COMM_WORLD_SIZE" ? "2" : null));
    }

    [Fact]
    public void AChildOfATunedProcessStillDecidesForItself()
    {
        // The mark inherited from a parent names the parent's pid: a rank mpirun started from a tuned process (whose
        // environment holds the tuned variables already) still gets what ranks get.
        string parent = (Environment.ProcessId + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var inherited = new Dictionary<string, string>
        {
            ["R1SHARP_NATIVE_TUNING_APPLIED"] = parent,
            ["GLIBC_TUNABLES"] = NativeRuntimeTuning.GlibcTunables,
            ["OMP_WAIT_POLICY"] = "PASSIVE",
            ["OMPI_COMM_WORLD_SIZE"] = "2",
        };
        Assert.Equal(["DOTNET_TieredCompilation"], NativeRuntimeTuning.Missing(n => inherited.GetValueOrDefault(n)).Keys);
    }

    [Fact]
    public void ReadsTheCommandLineAsNulTerminatedArguments()
    {
        Assert.Equal(["dotnet", "r1.dll", "a b", "ü", ""], NativeRuntimeTuning.ReadCommandLine(Encoding.UTF8.GetBytes("dotnet\0r1.dll\0a b\0ü\0\0")));
        Assert.Empty(NativeRuntimeTuning.ReadCommandLine([]));
    }

    [Fact]
    public async Task R1RunsItselfAgainWithTheVariablesAndItsArgumentsIntact()
    {
        using var info = CliProcess.Start(Untuned, "info");
        Assert.Equal(0, await info.WaitForExitAsync());
        Assert.Contains($"native runtime tuning: applied: GLIBC_TUNABLES={NativeRuntimeTuning.GlibcTunables}, OMP_WAIT_POLICY=PASSIVE", info.Stdout);
        Assert.Contains("micro-batch workers' heap retention: on (glibc's top padding is 64 MiB while micro-batch workers run)", info.Stdout);

        // An argument with a space and a non-ASCII letter comes back unchanged in the parser's error.
        using var odd = CliProcess.Start(Untuned, "info", "a b ü");
        Assert.NotEqual(0, await odd.WaitForExitAsync());
        Assert.Contains("'a b ü'", odd.Stdout + odd.Stderr);
    }

    [Fact]
    public async Task EveryRankOfAnMpiJobRunsWithTieredCompilationOff()
    {
        // Started as from a tuned parent (the data-parallel benchmark's mpirun): its variables and its mark (pid 1 is never
        // an r1 rank) are inherited, and each rank still turns tiered compilation off.
        using var job = Distributed.MpiJob.StartMpmd([(2, ["info"])], new Dictionary<string, string?>
        {
            ["GLIBC_TUNABLES"] = NativeRuntimeTuning.GlibcTunables,
            ["OMP_WAIT_POLICY"] = "PASSIVE",
            ["R1SHARP_NATIVE_TUNING_APPLIED"] = "1",
            ["DOTNET_TieredCompilation"] = null,
        });
        Assert.True(await job.WaitForExitAsync() == 0, job.Output);
        var lines = job.Output.Split('\n').Where(l => l.StartsWith("native runtime tuning:", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.Contains("DOTNET_TieredCompilation=0", l));
    }

    [Fact]
    public async Task R1RunsUntunedWhenTurnedOff()
    {
        using var info = CliProcess.Start(new Dictionary<string, string?>(Untuned) { [NativeRuntimeTuning.OptOutVariable] = "0" }, "info");
        Assert.Equal(0, await info.WaitForExitAsync());
        Assert.Contains("native runtime tuning: off (R1SHARP_NATIVE_TUNING=0)", info.Stdout);
        Assert.Contains("micro-batch workers' heap retention: off (R1SHARP_NATIVE_TUNING=0)", info.Stdout);
    }
}
