using System.Runtime.InteropServices;

namespace R1Sharp.Distributed;

/// <summary>
/// The five functions of NCCL (<c>libnccl.so.2</c>, shipped with CUDA and PyTorch) that <see cref="NcclBackend"/> calls,
/// bound at run time. Signatures as in nccl.h of NCCL 2.x.
/// </summary>
internal sealed unsafe class NcclLibrary
{
    /// <summary>ncclDataType_t values of nccl.h.</summary>
    public const int Float16 = 6, Float32 = 7, Float64 = 8, BFloat16 = 9;

    /// <summary>ncclRedOp_t ncclSum.</summary>
    public const int Sum = 0;

    /// <summary>NCCL_UNIQUE_ID_BYTES.</summary>
    public const int UniqueIdBytes = 128;

    private NcclLibrary(IntPtr handle)
    {
        IntPtr Export(string name) => NativeLibrary.TryGetExport(handle, name, out var address) ? address
            : throw new DistributedException($"libnccl.so.2 has no symbol '{name}': NCCL 2.x is required.");
        GetUniqueId = (delegate* unmanaged<UniqueId*, int>)Export("ncclGetUniqueId");
        CommInitRank = (delegate* unmanaged<IntPtr*, int, UniqueId, int, int>)Export("ncclCommInitRank");
        AllReduce = (delegate* unmanaged<void*, void*, nuint, int, int, IntPtr, IntPtr, int>)Export("ncclAllReduce");
        CommDestroy = (delegate* unmanaged<IntPtr, int>)Export("ncclCommDestroy");
        GetErrorString = (delegate* unmanaged<int, IntPtr>)Export("ncclGetErrorString");
    }

    /// <summary>ncclUniqueId: 128 opaque bytes, passed by value.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct UniqueId
    {
        public fixed byte Bytes[UniqueIdBytes];
    }

    public delegate* unmanaged<UniqueId*, int> GetUniqueId { get; }
    public delegate* unmanaged<IntPtr*, int, UniqueId, int, int> CommInitRank { get; }
    public delegate* unmanaged<void*, void*, nuint, int, int, IntPtr, IntPtr, int> AllReduce { get; }
    public delegate* unmanaged<IntPtr, int> CommDestroy { get; }
    public delegate* unmanaged<int, IntPtr> GetErrorString { get; }

    /// <summary>Loads libnccl.so.2 (or the <c>R1_NCCL_LIBRARY</c> path).</summary>
    /// <exception cref="DistributedException">NCCL is not installed.</exception>
    public static NcclLibrary Load()
    {
        string name = Environment.GetEnvironmentVariable("R1_NCCL_LIBRARY") is { Length: > 0 } chosen ? chosen : "libnccl.so.2";
        if (NativeLibrary.TryLoad(name, out var handle)) return new NcclLibrary(handle);
        throw new DistributedException($"distributed_backend nccl: {name} could not be loaded. NCCL ships with CUDA and PyTorch " +
            "(pip's nvidia-nccl-cu12 puts it in site-packages/nvidia/nccl/lib): add its folder to LD_LIBRARY_PATH or set R1_NCCL_LIBRARY; " +
            "or use distributed_backend mpi (GPU tensors staged through host memory).");
    }

    /// <summary>Throws with NCCL's own message when a call did not return ncclSuccess.</summary>
    public void Check(int code, string call)
    {
        if (code != 0) throw new DistributedException($"{call} failed: {Marshal.PtrToStringAnsi(GetErrorString(code))} (ncclResult_t {code})");
    }
}
