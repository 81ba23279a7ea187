using TorchSharp;

namespace R1Sharp.TorchInterop;

/// <summary>
/// Scalars that live as long as the process, for the constants tensor operations take most often.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 passes a <see cref="Scalar"/>'s native handle to libtorch and does not keep the managed object
/// alive for the call. A number converted implicitly (<c>x.clamp(0, 1)</c>, <c>x * 0.5</c>, the hidden alpha of
/// <c>a + b</c>) is garbage the moment its handle is read, so a collection that happens during the native call can
/// finalise it and free the native scalar while libtorch reads it: a crash in <c>Scalar::toFloat</c> or, worse, a
/// wrong value. The <c>scalar-lifetime</c> benchmark (bench/R1Sharp.Bench) reproduces it. Every scalar the library
/// passes to TorchSharp is therefore either one of these (reachable from a static field, never finalised) or a
/// <c>using</c> local that outlives the call; <c>src/BannedSymbols.txt</c> makes the compiler refuse the implicit forms.
/// </remarks>
public static class HeldScalars
{
    /// <summary>Integer 0.</summary>
    public static readonly Scalar Zero = 0L.ToScalar();

    /// <summary>Integer 1: the alpha of a plain addition.</summary>
    public static readonly Scalar One = 1L.ToScalar();

    /// <summary>Integer 2.</summary>
    public static readonly Scalar Two = 2L.ToScalar();

    /// <summary>Double −∞, for masking logits.</summary>
    public static readonly Scalar NegativeInfinity = double.NegativeInfinity.ToScalar();
}
