using R1Sharp.Training.LanguageModeling;
using R1Sharp.Training.Zero;

namespace R1Sharp.Tests.Training;

/// <summary>Which CPUs <c>r1 zero</c> pre-trains in bf16 on by default: those whose every processor lists avx512_bf16 or amx_bf16.</summary>
public sealed class CpuBfloat16Tests
{
    private const string Zen4 = "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse avx2 avx512f avx512_bf16 avx512_vnni\n\nprocessor\t: 1\nflags\t\t: fpu sse avx2 avx512f avx512_bf16 avx512_vnni\n";
    private const string SapphireRapids = "processor\t: 0\nflags\t\t: avx512f amx_bf16 amx_tile amx_int8\n";
    private const string Zen3 = "processor\t: 0\nflags\t\t: fpu sse avx2 fma\n";

    [Theory]
    [InlineData(Zen4, true)]
    [InlineData(SapphireRapids, true)]
    [InlineData(Zen3, false)]
    [InlineData("processor\t: 0\nflags\t\t: avx512_bf16\n\nprocessor\t: 1\nflags\t\t: avx2\n", false)] // not on every processor
    [InlineData("flags\t\t: avx512_bf16x\nbugs\t\t: avx512_bf16\n", false)] // whole flag names, on flags lines only
    [InlineData("", false)]
    public void TheFlagsLinesDecide(string cpuinfo, bool expected) => Assert.Equal(expected, CpuBfloat16.HasBf16Instructions(cpuinfo));

    [Fact]
    public void RZeroPretrainsInBf16ExactlyWhereTheCpuHasIt()
    {
        Assert.Equal(CpuBfloat16.Native, new ZeroOptions().Pretrain.Bf16);
        Assert.False(new PretrainOptions().Bf16); // the option itself stays opt-in, as TRL's bf16
        Assert.False(ZeroOptions.Quick("quick").Pretrain.Bf16);
        if (OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo"))
            Assert.Equal(CpuBfloat16.HasBf16Instructions(File.ReadAllText("/proc/cpuinfo")) && Environment.Is64BitProcess
                && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64, CpuBfloat16.Native);
    }
}
