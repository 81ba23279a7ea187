namespace R1Sharp;

/// <summary>Torch smoke helper.</summary>
public static class TorchInfo
{
    /// <summary>Adds two tensors on CPU and returns the sum.</summary>
    public static float AddOnePlusTwo()
    {
        using var a = TorchSharp.torch.tensor(1f);
        using var b = TorchSharp.torch.tensor(2f);
        using var c = a + b;
        return c.item<float>();
    }
}
