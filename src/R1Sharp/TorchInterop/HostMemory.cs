using static TorchSharp.torch;

namespace R1Sharp.TorchInterop;

/// <summary>
/// The address of a float32 CPU tensor's first element, for training code that reads or writes its memory directly
/// (the fused AdamW update, the weight checksum). The caller checks the dtype, the device and contiguity, and keeps the
/// tensor alive while it uses the pointer. (Distributed's host staging, a layer below this folder, does the same for
/// its in-place reductions.)
/// </summary>
internal static unsafe class HostMemory
{
    /// <summary>The first element of a float32 CPU tensor (its storage's data plus the tensor's offset into it).</summary>
    public static float* Floats(Tensor tensor) => (float*)tensor.storage<float>().data_ptr() + tensor.storage_offset();
}
