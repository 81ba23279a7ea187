using R1Sharp.TorchInterop;
namespace R1Sharp;

/// <summary>Torch backend smoke check (used by `r1 info` and the tests).</summary>
public static class TorchInfo
{
    /// <summary>Adds two tensors on CPU and returns the sum: proves the native backend loads and computes.</summary>
    public static float AddOnePlusTwo()
    {
        using var a = TorchSharp.torch.tensor(1f);
        using var b = TorchSharp.torch.tensor(2f);
        using var c = a.Plus(b);
        return c.item<float>();
    }

    /// <summary>libtorch version string and whether CUDA is available.</summary>
    public static string Describe() =>
        $"TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}, CUDA available: {TorchSharp.torch.cuda.is_available()}, threads: {TorchSharp.torch.get_num_threads()}";
}
