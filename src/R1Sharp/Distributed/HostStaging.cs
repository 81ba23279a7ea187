using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Distributed;

/// <summary>Reduces a tensor through host memory: a float32 or float64 copy on the CPU, reduced, copied back in place.</summary>
internal static class HostStaging
{
    public static void AllReduceSum(ICollectiveBackend backend, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (backend.Size == 1) return;
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
}
