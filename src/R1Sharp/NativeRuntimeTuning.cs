using System.Runtime.InteropServices;
using System.Text;

namespace R1Sharp;

/// <summary>
/// Settings of the native libraries under libtorch (glibc's allocator, libgomp's idle threads) that can only be given
/// at process start, applied by re-executing the process once, in place, with them added to its environment
/// (<c>execve</c> of <c>/proc/self/exe</c>: same pid, same arguments, so <c>mpirun</c>, signals and the caller's
/// pipes see one process). Entry points (<c>r1</c>, the benchmarks) call <see cref="ReexecuteIfNeeded"/> first thing.
/// Why, measured on the 2-core machine (a paravirtualised VM; docs/ARCHITECTURE.md, "Native memory and threads"):
/// <list type="bullet">
/// <item>A first touch of a fresh 4 KiB page costs about 10 µs there (500 MB: 1.25 s, the same bytes reused: 20 ms).
/// libtorch allocates every large tensor with <c>malloc</c>, which glibc serves from a fresh <c>mmap</c> and unmaps on
/// free, so a training step on a large-vocabulary model faults its logits in again every time. Huge pages for the
/// allocator's memory, no <c>mmap</c> for large blocks and no trimming of the freed heap cut the faults 5x and the
/// data-parallel GRPO benchmark's training phase 2.5x.</item>
/// <item>libgomp's idle workers spin for a while after each parallel region, on the core our own small-batch kernel's
/// helper thread wants (<see cref="Models.SmallBatchLinear"/>): passive waiting took bf16 batch-1 decode from 18 to
/// 30 tokens/s.</item>
/// <item>Under an MPI launcher, tiered compilation is off (<c>DOTNET_TieredCompilation=0</c>): every method is compiled
/// once, optimized, on its first call, and nothing is compiled again in the background while the ranks fill the cores.
/// Two data-parallel ranks on two cores: 1.68-1.86x one rank with it, 1.53-1.71x without (ten alternating pairs).</item>
/// </list>
/// A variable the user already set is left as it is; <c>R1SHARP_NATIVE_TUNING=0</c> turns all of this off. Nothing
/// changes a number the run computes, only how memory is obtained and how idle threads wait. The price: memory freed
/// by tensors stays with the process (its peak RSS) instead of going back to the system until it exits.
/// </summary>
public static class NativeRuntimeTuning
{
    /// <summary>Set to <c>0</c> to run without the tuning (no re-execution).</summary>
    public const string OptOutVariable = "R1SHARP_NATIVE_TUNING";

    /// <summary>glibc's allocator: transparent huge pages, large blocks from the heap, freed heap memory kept
    /// (scripts/test.sh exports the same value for the test host, which cannot re-execute itself).</summary>
    public const string GlibcTunables = "glibc.malloc.hugetlb=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736";

    /// <summary>The variables added, each only where the environment does not set it already.</summary>
    public static IReadOnlyDictionary<string, string> Variables { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["GLIBC_TUNABLES"] = GlibcTunables,
        ["OMP_WAIT_POLICY"] = "PASSIVE",
    };

    /// <summary>
    /// Added as well where an MPI launcher started the process: its ranks usually fill the node's cores, so the JIT's
    /// background recompilation takes its time from a rank (docs/ARCHITECTURE.md, "JIT tiers").
    /// </summary>
    public static IReadOnlyDictionary<string, string> RankVariables { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["DOTNET_TieredCompilation"] = "0",
    };

    // Marks the re-executed process with its pid (execve keeps it), so that it never re-executes again, even where
    // execve dropped a variable. A child inherits the mark with its parent's pid and decides for itself: an MPI rank
    // started by a tuned process (the data-parallel benchmark's mpirun) still gets RankVariables.
    private const string AppliedVariable = "R1SHARP_NATIVE_TUNING_APPLIED";

    private static string ProcessMark => Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>What happened at startup (for <c>r1 info</c>).</summary>
    public static string Status { get; private set; } = "not requested";

    /// <summary>
    /// The variables to add to an environment read through <paramref name="get"/>; empty when the tuning is off, was
    /// applied already, or every variable is set.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Missing(Func<string, string?> get)
    {
        ArgumentNullException.ThrowIfNull(get);
        if (get(OptOutVariable) == "0" || get(AppliedVariable) == ProcessMark) return new Dictionary<string, string>();
        return Wanted(get).Where(v => !IsSet(v.Key, get)).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
    }

    // The variables this process should have: all of Variables, and RankVariables under an MPI launcher.
    private static IEnumerable<KeyValuePair<string, string>> Wanted(Func<string, string?> get) =>
        Distributed.CollectiveBackends.IsMpiLaunch(get) ? Variables.Concat(RankVariables) : Variables;

    // A runtime setting counts as set under its legacy COMPlus_ name too.
    private static bool IsSet(string name, Func<string, string?> get) =>
        !string.IsNullOrEmpty(get(name))
        || (name.StartsWith("DOTNET_", StringComparison.Ordinal) && !string.IsNullOrEmpty(get("COMPlus_" + name["DOTNET_".Length..])));

    /// <summary>
    /// On Linux with glibc, re-executes this process with <see cref="Variables"/> (and, under an MPI launcher,
    /// <see cref="RankVariables"/>) added unless they are there already;
    /// returns only when nothing was to be done or the re-execution failed (then the process runs untuned and
    /// <see cref="Status"/> says why). Call it before anything loads libtorch.
    /// </summary>
    public static void ReexecuteIfNeeded()
    {
        if (!OperatingSystem.IsLinux()) { Status = "not Linux: nothing to do"; return; }
        if (Environment.GetEnvironmentVariable(OptOutVariable) == "0") { Status = $"off ({OptOutVariable}=0)"; return; }
        if (Environment.GetEnvironmentVariable(AppliedVariable) == ProcessMark) { Status = $"applied: {Describe()}"; return; }
        var missing = Missing(Environment.GetEnvironmentVariable);
        if (missing.Count == 0) { Status = $"set by the environment: {Describe()}"; return; }
        if (!IsGlibc()) { Status = "not glibc: nothing to do"; return; }
        string[] arguments;
        try
        {
            arguments = ReadCommandLine(File.ReadAllBytes("/proc/self/cmdline"));
        }
        catch (IOException e)
        {
            Status = $"could not read /proc/self/cmdline ({e.Message}): running untuned";
            return;
        }
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(e => (string)e.Key != AppliedVariable)
            .Select(e => $"{e.Key}={e.Value}")
            .Concat(missing.Select(v => $"{v.Key}={v.Value}"))
            .Append($"{AppliedVariable}={ProcessMark}")
            .ToArray();
        Execute("/proc/self/exe", arguments, environment);
        Status = $"re-execution failed (errno {Marshal.GetLastPInvokeError()}): running untuned";
    }

    /// <summary>Splits <c>/proc/self/cmdline</c> (NUL-terminated arguments) into the process's arguments.</summary>
    public static string[] ReadCommandLine(byte[] cmdline)
    {
        ArgumentNullException.ThrowIfNull(cmdline);
        var text = Encoding.UTF8.GetString(cmdline);
        if (text.EndsWith('\0')) text = text[..^1];
        return text.Length == 0 ? [] : text.Split('\0');
    }

    private static string Describe() =>
        string.Join(", ", Wanted(Environment.GetEnvironmentVariable).Select(v => $"{v.Key}={Environment.GetEnvironmentVariable(v.Key) ?? "(unset)"}"));

    /// <summary>Whether this process runs on glibc (its libc exports <c>gnu_get_libc_version</c>; musl's does not).</summary>
    internal static bool IsGlibc()
    {
        try
        {
            return GnuLibcVersion() != IntPtr.Zero;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private static unsafe void Execute(string path, string[] arguments, string[] environment)
    {
        var argv = ToNative(arguments);
        var envp = ToNative(environment);
        try
        {
            fixed (IntPtr* a = argv)
            fixed (IntPtr* e = envp)
                ExecuteNative(path, a, e);
        }
        finally
        {
            foreach (var p in argv.Concat(envp)) Marshal.FreeCoTaskMem(p);
        }
    }

    // A NULL-terminated array of NUL-terminated UTF-8 strings.
    private static IntPtr[] ToNative(string[] strings) => [.. strings.Select(Marshal.StringToCoTaskMemUTF8), IntPtr.Zero];

    [DllImport("libc", EntryPoint = "gnu_get_libc_version")]
    private static extern IntPtr GnuLibcVersion();

    [DllImport("libc", EntryPoint = "execve", SetLastError = true)]
    private static extern unsafe int ExecuteNative([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr* argv, IntPtr* envp);
}
