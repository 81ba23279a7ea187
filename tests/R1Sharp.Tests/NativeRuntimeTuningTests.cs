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
    [InlineData("R1SHARP_NATIVE_TUNING", "0")]
    [InlineData("R1SHARP_NATIVE_TUNING_APPLIED", "1")]
    public void AddsNothingWhenTurnedOffOrAlreadyApplied(string name, string value)
    {
        Assert.Empty(NativeRuntimeTuning.Missing(n => n == name ? value : null));
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
    public async Task R1RunsUntunedWhenTurnedOff()
    {
        using var info = CliProcess.Start(new Dictionary<string, string?>(Untuned) { [NativeRuntimeTuning.OptOutVariable] = "0" }, "info");
        Assert.Equal(0, await info.WaitForExitAsync());
        Assert.Contains("native runtime tuning: off (R1SHARP_NATIVE_TUNING=0)", info.Stdout);
        Assert.Contains("micro-batch workers' heap retention: off (R1SHARP_NATIVE_TUNING=0)", info.Stdout);
    }
}
