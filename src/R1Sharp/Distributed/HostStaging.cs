using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Distributed;

/// <summary>
/// Reduces a tensor through host memory: a contiguous float32 or float64 CPU tensor is reduced in its own memory (no
/// copy: the gradient all-reduce of a step moves every trainable parameter, and each copy of it is a pass over memory
/// the ranks of one node share); any other tensor through a float32 or float64 copy on the CPU, copied back in place.
/// </summary>
internal static unsafe class HostStaging
{
    public static void AllReduceSum(ICollectiveBackend backend, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (backend.Size == 1) return;
        if (tensor.device_type == DeviceType.CPU && tensor.is_contiguous() && tensor.dtype is ScalarType.Float32 or ScalarType.Float64)
        {
            InPlace(backend, tensor);
            return;
        }
        using var scope = NewDisposeScope();
        if (tensor.dtype == ScalarType.Float64)
        {
            double[] host = tensor.detach().cpu().contiguous().data<double>().ToArray();
            backend.AllReduceSum(host.AsSpan());
            using var _ = no_grad();
            tensor.copy_(torch.tensor(host, tensor.shape));
        }
        else
        {
            // bf16/fp16 are summed in fp32 (more exact than summing in their own precision), then rounded back by copy_.
            float[] host = tensor.detach().to_type(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
            backend.AllReduceSum(host.AsSpan());
            using var _ = no_grad();
            tensor.copy_(torch.tensor(host, tensor.shape));
        }
    }

    // The tensor's elements as spans over its storage (from the storage offset), at most 2^30 elements at a time.
    private static void InPlace(ICollectiveBackend backend, Tensor tensor)
    {
        const long Chunk = 1L << 30;
        long count = tensor.numel();
        if (tensor.dtype == ScalarType.Float64)
        {
            double* first = (double*)tensor.storage<double>().data_ptr() + tensor.storage_offset();
            for (long start = 0; start < count; start += Chunk)
                backend.AllReduceSum(new Span<double>(first + start, (int)Math.Min(Chunk, count - start)));
        }
        else
        {
            float* first = (float*)tensor.storage<float>().data_ptr() + tensor.storage_offset();
            for (long start = 0; start < count; start += Chunk)
                backend.AllReduceSum(new Span<float>(first + start, (int)Math.Min(Chunk, count - start)));
        }
    }
}
