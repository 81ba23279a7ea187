using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Distributed;

/// <summary>
/// Horovod's split: MPI starts the job and carries control messages (rank, broadcast, barrier, abort and host arrays),
/// NCCL reduces CUDA tensors where they are, on their data pointers. Rank 0 creates NCCL's unique id and broadcasts it
/// over MPI; every rank then joins the NCCL communicator. Each rank must see its own GPU as its current device: start
/// ranks with one GPU each (Slurm <c>--gpus-per-task=1</c>, or <c>CUDA_VISIBLE_DEVICES</c> set from the local rank).
/// CPU tensors go through MPI. <b>Not run in this repository's tests</b> (no GPU or NCCL there); see docs/distributed.md.
/// </summary>
public sealed unsafe class NcclBackend : ICollectiveBackend
{
    private readonly MpiBackend _control;
    private readonly NcclLibrary _nccl;
    private IntPtr _communicator;

    /// <summary>Joins the NCCL communicator of the job that <paramref name="control"/> belongs to.</summary>
    /// <exception cref="DistributedException">NCCL is missing or its initialisation failed.</exception>
    public NcclBackend(MpiBackend control)
    {
        _control = control ?? throw new ArgumentNullException(nameof(control));
        _nccl = NcclLibrary.Load();
        if (!cuda.is_available()) throw new DistributedException("distributed_backend nccl needs CUDA, which this process does not see (a CPU build of TorchSharp, or no GPU).");
        NcclLibrary.UniqueId id = default;
        var bytes = new byte[NcclLibrary.UniqueIdBytes];
        if (control.Rank == 0)
        {
            _nccl.Check(_nccl.GetUniqueId(&id), "ncclGetUniqueId");
            new ReadOnlySpan<byte>(id.Bytes, NcclLibrary.UniqueIdBytes).CopyTo(bytes);
        }
        bytes = control.Broadcast(bytes);
        bytes.CopyTo(new Span<byte>(id.Bytes, NcclLibrary.UniqueIdBytes));
        IntPtr communicator;
        _nccl.Check(_nccl.CommInitRank(&communicator, control.Size, id, control.Rank), "ncclCommInitRank");
        _communicator = communicator;
    }

    /// <inheritdoc />
    public int Rank => _control.Rank;

    /// <inheritdoc />
    public int Size => _control.Size;

    /// <inheritdoc />
    public string Name => "nccl";

    /// <inheritdoc />
    public void AllReduceSum(Span<float> values) => _control.AllReduceSum(values);

    /// <inheritdoc />
    public void AllReduceSum(Span<double> values) => _control.AllReduceSum(values);

    /// <inheritdoc />
    public void AllReduceSum(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        int? type = tensor.dtype switch
        {
            ScalarType.Float32 => NcclLibrary.Float32,
            ScalarType.Float64 => NcclLibrary.Float64,
            ScalarType.BFloat16 => NcclLibrary.BFloat16,
            ScalarType.Float16 => NcclLibrary.Float16,
            _ => null,
        };
        if (tensor.device_type != DeviceType.CUDA || !tensor.is_contiguous() || type is null)
        {
            HostStaging.AllReduceSum(this, tensor);
            return;
        }
        // The default stream: wait for the kernels that wrote the tensor, reduce, wait for the reduction.
        cuda.synchronize();
        void* data = (void*)DataPointer(tensor);
        _nccl.Check(_nccl.AllReduce(data, data, (nuint)tensor.numel(), type.Value, NcclLibrary.Sum, _communicator, IntPtr.Zero), "ncclAllReduce");
        cuda.synchronize();
    }

    /// <inheritdoc />
    public byte[] Broadcast(byte[] data, int root = 0) => _control.Broadcast(data, root);

    /// <inheritdoc />
    public void Barrier() => _control.Barrier();

    /// <inheritdoc />
    public void Abort(int exitCode) => _control.Abort(exitCode);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_communicator != IntPtr.Zero) _nccl.CommDestroy(_communicator);
        _communicator = IntPtr.Zero;
        _control.Dispose();
    }

    // The address of the tensor's first element: its storage's base plus the storage offset.
    private static IntPtr DataPointer(Tensor tensor) =>
        tensor.dtype switch
        {
            ScalarType.Float64 => tensor.storage<double>().data_ptr() + (nint)(tensor.storage_offset() * 8),
            ScalarType.Float32 => tensor.storage<float>().data_ptr() + (nint)(tensor.storage_offset() * 4),
            _ => tensor.storage<short>().data_ptr() + (nint)(tensor.storage_offset() * 2),
        };
}
