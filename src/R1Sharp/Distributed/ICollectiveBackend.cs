using static TorchSharp.torch;

namespace R1Sharp.Distributed;

/// <summary>
/// The few collective operations data-parallel training needs, after Horovod's split: a launcher and control
/// channel (MPI) plus one transport for tensors (MPI through host memory, or NCCL on CUDA tensors). Every rank must
/// call the same operations in the same order with buffers of the same length; a rank that stops calling leaves the
/// others waiting, so a failing rank calls <see cref="Abort"/> and the launcher ends the job.
/// </summary>
public interface ICollectiveBackend : IDisposable
{
    /// <summary>This process's rank, 0 ≤ rank &lt; <see cref="Size"/>.</summary>
    int Rank { get; }

    /// <summary>Number of ranks (1 outside a launcher).</summary>
    int Size { get; }

    /// <summary>Short name for messages and logs: single, mpi or nccl.</summary>
    string Name { get; }

    /// <summary>Replaces every element of <paramref name="values"/> by its sum over the ranks.</summary>
    void AllReduceSum(Span<float> values);

    /// <summary>Replaces every element of <paramref name="values"/> by its sum over the ranks.</summary>
    void AllReduceSum(Span<double> values);

    /// <summary>Replaces <paramref name="tensor"/>'s values by their sum over the ranks, in place (same shape and dtype on every rank).</summary>
    void AllReduceSum(Tensor tensor);

    /// <summary>Rank <paramref name="root"/>'s bytes on every rank (the others' <paramref name="data"/> is ignored; lengths may differ).</summary>
    byte[] Broadcast(byte[] data, int root = 0);

    /// <summary>Returns when every rank has called it.</summary>
    void Barrier();

    /// <summary>Ends every rank of the job with exit code <paramref name="exitCode"/> (does not return under a launcher).</summary>
    void Abort(int exitCode);
}
