using System.Runtime.InteropServices;

namespace R1Sharp.Distributed;

/// <summary>
/// The dozen functions of Open MPI's C library that <see cref="MpiBackend"/> calls, bound at run time so that a machine
/// without MPI still runs everything else. Open MPI's handles (<c>MPI_COMM_WORLD</c>, <c>MPI_FLOAT</c>, <c>MPI_SUM</c>...)
/// are the addresses of global symbols (<c>ompi_mpi_comm_world</c>...), read with <see cref="NativeLibrary.GetExport"/>.
/// MPICH encodes its handles as integers instead and is not supported.
/// </summary>
internal sealed unsafe class MpiLibrary
{
    private static readonly string[] Candidates = ["libmpi.so.40", "libmpi.so", "libmpi.so.12"];
    private const int ThreadSerialized = 2; // Open MPI's MPI_THREAD_SERIALIZED: one call at a time, from any thread (async code hops threads).
    private const int RtldNowGlobal = 0x102; // RTLD_NOW | RTLD_GLOBAL: Open MPI's plug-ins resolve symbols of libmpi itself.

    private MpiLibrary(IntPtr handle, string path)
    {
        Path = path;
        IntPtr Export(string name) => NativeLibrary.TryGetExport(handle, name, out var address) ? address
            : throw new DistributedException($"{path} has no symbol '{name}': only Open MPI (4.x, libmpi.so.40) is supported; install openmpi-bin and libopenmpi-dev, or run without mpirun.");
        CommWorld = Export("ompi_mpi_comm_world");
        Float = Export("ompi_mpi_float");
        Double = Export("ompi_mpi_double");
        Byte = Export("ompi_mpi_byte");
        Long = Export("ompi_mpi_long");
        Sum = Export("ompi_mpi_op_sum");
        Initialized = (delegate* unmanaged<int*, int>)Export("MPI_Initialized");
        Finalized = (delegate* unmanaged<int*, int>)Export("MPI_Finalized");
        InitThread = (delegate* unmanaged<int*, IntPtr*, int, int*, int>)Export("MPI_Init_thread");
        Finalize = (delegate* unmanaged<int>)Export("MPI_Finalize");
        CommRank = (delegate* unmanaged<IntPtr, int*, int>)Export("MPI_Comm_rank");
        CommSize = (delegate* unmanaged<IntPtr, int*, int>)Export("MPI_Comm_size");
        AllReduce = (delegate* unmanaged<void*, void*, int, IntPtr, IntPtr, IntPtr, int>)Export("MPI_Allreduce");
        Bcast = (delegate* unmanaged<void*, int, IntPtr, int, IntPtr, int>)Export("MPI_Bcast");
        BarrierCall = (delegate* unmanaged<IntPtr, int>)Export("MPI_Barrier");
        AbortCall = (delegate* unmanaged<IntPtr, int, int>)Export("MPI_Abort");
    }

    /// <summary>The file the library was loaded from.</summary>
    public string Path { get; }

    /// <summary><c>MPI_IN_PLACE</c> in Open MPI: the address 1.</summary>
    public static void* InPlace => (void*)1;

    public IntPtr CommWorld { get; }
    public IntPtr Float { get; }
    public IntPtr Double { get; }
    public IntPtr Byte { get; }
    public IntPtr Long { get; }
    public IntPtr Sum { get; }
    public delegate* unmanaged<int*, int> Initialized { get; }
    public delegate* unmanaged<int*, int> Finalized { get; }
    public delegate* unmanaged<int*, IntPtr*, int, int*, int> InitThread { get; }
    public delegate* unmanaged<int> Finalize { get; }
    public delegate* unmanaged<IntPtr, int*, int> CommRank { get; }
    public delegate* unmanaged<IntPtr, int*, int> CommSize { get; }
    public delegate* unmanaged<void*, void*, int, IntPtr, IntPtr, IntPtr, int> AllReduce { get; }
    public delegate* unmanaged<void*, int, IntPtr, int, IntPtr, int> Bcast { get; }
    public delegate* unmanaged<IntPtr, int> BarrierCall { get; }
    public delegate* unmanaged<IntPtr, int, int> AbortCall { get; }

    /// <summary>Loads Open MPI (the <c>R1_MPI_LIBRARY</c> path when set, else libmpi.so.40 from the loader's path).</summary>
    /// <exception cref="DistributedException">No MPI library could be loaded, or it is not Open MPI.</exception>
    public static MpiLibrary Load() =>
        Load(Environment.GetEnvironmentVariable("R1_MPI_LIBRARY") is { Length: > 0 } chosen ? [chosen] : Candidates);

    /// <summary>Loads the first of <paramref name="names"/> that the loader finds.</summary>
    /// <exception cref="DistributedException">None could be loaded, or it is not Open MPI.</exception>
    public static MpiLibrary Load(IReadOnlyList<string> names)
    {
        foreach (var name in names)
        {
            // dlopen with RTLD_GLOBAL first (NativeLibrary loads RTLD_LOCAL, which hides libmpi from Open MPI's plug-ins).
            if (OperatingSystem.IsLinux()) TryDlopenGlobal(name);
            if (NativeLibrary.TryLoad(name, out var handle)) return new MpiLibrary(handle, name);
        }
        throw new DistributedException($"the job was started by an MPI launcher but no MPI library could be loaded (tried {string.Join(", ", names)}): " +
            "install Open MPI (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev), set R1_MPI_LIBRARY to libmpi.so's path, or run without mpirun.");
    }

    /// <summary>Throws when an MPI call returned an error code (with the default error handler MPI aborts first).</summary>
    public static void Check(int code, string call)
    {
        if (code != 0) throw new DistributedException($"{call} failed with MPI error code {code}");
    }

    private static void TryDlopenGlobal(string name)
    {
        try
        {
            _ = dlopen(name, RtldNowGlobal);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: NativeLibrary's own load below still runs.
        }
    }

    [DllImport("libc.so.6", EntryPoint = "dlopen")]
    private static extern IntPtr dlopen([MarshalAs(UnmanagedType.LPStr)] string file, int mode);
}
