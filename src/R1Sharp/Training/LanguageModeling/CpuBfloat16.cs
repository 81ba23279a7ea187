namespace R1Sharp.Training.LanguageModeling;

/// <summary>
/// Whether this machine's CPU multiplies bfloat16 matrices in hardware: x86 with <c>avx512_bf16</c> (AMD Zen 4 and later,
/// Intel Cooper Lake, Sapphire Rapids) or AMX (<c>amx_bf16</c>). oneDNN, libtorch's CPU matmul, uses those instructions
/// for bf16 products; without them a bf16 matmul is converted to float32 and back and runs slower than float32. So
/// <c>r1 zero</c> pre-trains in bf16 mixed precision by default only where this is true (issue 18).
/// </summary>
public static class CpuBfloat16
{
    private static readonly Lazy<bool> Detected = new(() =>
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
            return false;
        try
        {
            return HasBf16Instructions(File.ReadAllText("/proc/cpuinfo"));
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    });

    /// <summary>True when the CPU has bf16 matrix instructions (read once from Linux's <c>/proc/cpuinfo</c>; false on
    /// other systems and architectures, where it is not known).</summary>
    public static bool Native => Detected.Value;

    /// <summary>Whether the <c>flags</c> lines of a <c>/proc/cpuinfo</c> text name <c>avx512_bf16</c> or <c>amx_bf16</c>
    /// (on every processor listed).</summary>
    /// <param name="cpuinfo">The file's text.</param>
    public static bool HasBf16Instructions(string cpuinfo)
    {
        ArgumentNullException.ThrowIfNull(cpuinfo);
        var flagLines = cpuinfo.Split('\n')
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2 && parts[0].Trim() == "flags")
            .Select(parts => parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        return flagLines.Count > 0 && flagLines.All(flags => flags.Contains("avx512_bf16") || flags.Contains("amx_bf16"));
    }
}
