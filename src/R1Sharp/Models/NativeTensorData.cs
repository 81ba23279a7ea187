using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// The address of a tensor's first element, from the same native library TorchSharp itself calls (TorchSharp 0.107
/// exposes no public data pointer). Valid while the tensor lives and is not resized; callers hold the tensor.
/// </summary>
internal static partial class NativeTensorData
{
    public static IntPtr Pointer(Tensor tensor)
    {
        IntPtr data = THSTensor_data(tensor.Handle);
        if (data == IntPtr.Zero && tensor.numel() > 0) throw new InvalidOperationException("libtorch returned no data pointer for a non-empty tensor.");
        return data;
    }

    [LibraryImport("LibTorchSharp")]
    private static partial IntPtr THSTensor_data(IntPtr handle);
}
