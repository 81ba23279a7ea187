using static TorchSharp.torch;

namespace R1Sharp.TorchInterop;

/// <summary>
/// The address of a CPU tensor's first element, for code that reads or writes its memory directly (the collectives'
/// in-place reductions, the fused AdamW update, the weight checksum). The caller checks the dtype, the device and
/// contiguity, and keeps the tensor alive while it uses the pointer.
/// </summary>
internal static unsafe class HostMemory
{
    /// <summary>The first element of a float32 CPU tensor (its storage's data plus the tensor's offset into it).</summary>
    public static float* Floats(Tensor tensor) => (float*)tensor.storage<float>().data_ptr() + tensor.storage_offset();

    /// <summary>The first element of a float64 CPU tensor (its storage's data plus the tensor's offset into it).</summary>
    public static double* Doubles(Tensor tensor) => (double*)tensor.storage<double>().data_ptr() + tensor.storage_offset();
}
