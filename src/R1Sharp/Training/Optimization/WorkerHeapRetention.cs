using System.Runtime.InteropServices;

namespace R1Sharp.Training.Optimization;

/// <summary>
/// Keeps glibc from giving the micro-batch workers' heaps back to the system while <see cref="ConcurrentMicroBatches"/>
/// runs, and only then. Why: a worker thread allocates its tensors from a glibc arena of its own, made of 64 MiB heaps,
/// and glibc unmaps such a heap as soon as it empties unless the top padding (<c>M_TOP_PAD</c>) covers it; the trim
/// threshold that <see cref="NativeRuntimeTuning"/> raises protects only the main arena. So the second worker of a
/// ~20M-parameter model faulted 10,000–16,000 fresh pages in every step (about 10 µs each on a paravirtualised VM).
/// Holding raises the padding to a whole heap (<see cref="HeldTopPad"/>), so no emptied heap is released; the last
/// holder puts glibc's default back (<see cref="DefaultTopPad"/>). What a worker's arena once held then stays with the
/// process, like the main arena's memory under <see cref="NativeRuntimeTuning"/>; other threads' arenas (generation,
/// evaluation) release theirs again once no step runs, which is why this is not a process-wide setting
/// (BENCHMARKS.md, <c>pretrain-precision</c>, has both measured).
/// Nothing computed changes. Off where <see cref="NativeRuntimeTuning.OptOutVariable"/> is <c>0</c>, where the
/// environment's <c>GLIBC_TUNABLES</c> sets <c>top_pad</c> itself, and off Linux/glibc.
/// </summary>
public static class WorkerHeapRetention
{
    /// <summary>The padding while held: glibc's largest heap on 64-bit (<c>HEAP_MAX_SIZE</c>), so an emptied heap is
    /// always within it and kept.</summary>
    public const int HeldTopPad = 64 << 20;

    /// <summary>glibc's own padding (128 KiB, measured on Debian's glibc 2.36: the first <c>sbrk</c> grows by it).</summary>
    public const int DefaultTopPad = 128 << 10;

    private const int TopPadParameter = -2; // M_TOP_PAD in <malloc.h>

    private static readonly Lazy<Holds> Shared = new(() => new Holds(SetterFor(Environment.GetEnvironmentVariable)));

    /// <summary>
    /// Holds the retention until the returned scope is disposed; scopes nest and may overlap across threads (the
    /// padding is raised by the first and restored by the last).
    /// </summary>
    public static IDisposable Hold() => Shared.Value.Hold();

    /// <summary>
    /// How the padding is set in an environment read through <paramref name="get"/>: <c>mallopt</c>, or null where the
    /// retention is off (opted out, the user's own <c>top_pad</c>, not Linux or not glibc).
    /// </summary>
    internal static Action<int>? SetterFor(Func<string, string?> get) =>
        OffReason(get) is null ? pad => MallocOption(TopPadParameter, pad) : null;

    /// <summary>What the retention does in this process (for <c>r1 info</c>).</summary>
    public static string Status => OffReason(Environment.GetEnvironmentVariable) is { } reason
        ? $"off ({reason})"
        : $"on (glibc's top padding is {HeldTopPad >> 20} MiB while micro-batch workers run)";

    // Why the retention is off in an environment read through get; null when it is on. glibc is found without calling
    // mallopt (a probe that set the padding could undo another caller's hold).
    private static string? OffReason(Func<string, string?> get)
    {
        ArgumentNullException.ThrowIfNull(get);
        if (!OperatingSystem.IsLinux()) return "not Linux";
        if (get(NativeRuntimeTuning.OptOutVariable) == "0") return $"{NativeRuntimeTuning.OptOutVariable}=0";
        if ((get("GLIBC_TUNABLES") ?? "").Contains("top_pad", StringComparison.Ordinal)) return "GLIBC_TUNABLES sets top_pad";
        return NativeRuntimeTuning.IsGlibc() ? null : "not glibc";
    }

    /// <summary>The count of holders behind <see cref="Hold()"/>, with the setter it calls (null: nothing to set).</summary>
    internal sealed class Holds(Action<int>? setPad)
    {
        private readonly Lock _gate = new();
        private int _holders;

        public bool IsHeld
        {
            get
            {
                lock (_gate) return _holders > 0;
            }
        }

        public IDisposable Hold()
        {
            lock (_gate)
            {
                if (_holders++ == 0) setPad?.Invoke(HeldTopPad);
            }
            return new Scope(this);
        }

        private void Release()
        {
            lock (_gate)
            {
                if (--_holders == 0) setPad?.Invoke(DefaultTopPad);
            }
        }

        private sealed class Scope(Holds holds) : IDisposable
        {
            private int _released;

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _released, 1) == 0) holds.Release();
            }
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallocOption(int parameter, int value);
}
