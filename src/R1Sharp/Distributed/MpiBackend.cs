using static TorchSharp.torch;

namespace R1Sharp.Distributed;

/// <summary>
/// Collectives over Open MPI's <c>MPI_COMM_WORLD</c>, on host memory: CPU tensors are reduced in place through a host
/// copy, GPU tensors are staged through the host (use <see cref="NcclBackend"/> to keep them on the device). The job is
/// started by <c>mpirun</c>/<c>srun</c>; MPI is initialised by the constructor and finalised when the process exits.
/// </summary>
public sealed unsafe class MpiBackend : ICollectiveBackend
{
    private readonly MpiLibrary _mpi;
    private bool _finalized;

    /// <summary>Loads Open MPI and joins the job (<c>MPI_Init_thread</c>, unless already initialised).</summary>
    /// <exception cref="DistributedException">No usable MPI library.</exception>
    public MpiBackend()
    {
        _mpi = MpiLibrary.Load();
        int initialized, provided, rank, size;
        MpiLibrary.Check(_mpi.Initialized(&initialized), "MPI_Initialized");
        if (initialized == 0) MpiLibrary.Check(_mpi.InitThread(null, null, 2, &provided), "MPI_Init_thread");
        MpiLibrary.Check(_mpi.CommRank(_mpi.CommWorld, &rank), "MPI_Comm_rank");
        MpiLibrary.Check(_mpi.CommSize(_mpi.CommWorld, &size), "MPI_Comm_size");
        Rank = rank;
        Size = size;
        // A process that leaves without MPI_Finalize makes mpirun report the whole job as failed.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
    }

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int Size { get; }

    /// <inheritdoc />
    public string Name => "mpi";

    /// <inheritdoc />
    public void AllReduceSum(Span<float> values)
    {
        fixed (float* p = values)
            for (int start = 0; start < values.Length; start += int.MaxValue / 2)
                MpiLibrary.Check(_mpi.AllReduce(MpiLibrary.InPlace, p + start, Math.Min(int.MaxValue / 2, values.Length - start), _mpi.Float, _mpi.Sum, _mpi.CommWorld), "MPI_Allreduce");
    }

    /// <inheritdoc />
    public void AllReduceSum(Span<double> values)
    {
        fixed (double* p = values)
            for (int start = 0; start < values.Length; start += int.MaxValue / 2)
                MpiLibrary.Check(_mpi.AllReduce(MpiLibrary.InPlace, p + start, Math.Min(int.MaxValue / 2, values.Length - start), _mpi.Double, _mpi.Sum, _mpi.CommWorld), "MPI_Allreduce");
    }

    /// <inheritdoc />
    public void AllReduceSum(Tensor tensor) => HostStaging.AllReduceSum(this, tensor);

    /// <inheritdoc />
    public byte[] Broadcast(byte[] data, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, Size);
        long length = data.Length;
        MpiLibrary.Check(_mpi.Bcast(&length, 1, _mpi.Long, root, _mpi.CommWorld), "MPI_Bcast");
        var result = Rank == root ? data : new byte[length];
        fixed (byte* p = result)
            MpiLibrary.Check(_mpi.Bcast(p, (int)length, _mpi.Byte, root, _mpi.CommWorld), "MPI_Bcast");
        return result;
    }

    /// <inheritdoc />
    public void Barrier() => MpiLibrary.Check(_mpi.BarrierCall(_mpi.CommWorld), "MPI_Barrier");

    /// <inheritdoc />
    public void Abort(int exitCode)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        _mpi.AbortCall(_mpi.CommWorld, exitCode);
    }

    /// <summary>Finalises MPI (once); later collectives are errors.</summary>
    public void Dispose()
    {
        if (_finalized) return;
        _finalized = true;
        int done;
        if (_mpi.Finalized(&done) == 0 && done == 0) _mpi.Finalize();
    }
}
