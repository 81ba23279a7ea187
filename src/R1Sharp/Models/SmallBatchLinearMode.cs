namespace R1Sharp.Models;

/// <summary>Which decode-step products <see cref="SmallBatchLinear"/> takes over from libtorch.</summary>
public enum SmallBatchLinearMode
{
    /// <summary>None: every product on libtorch.</summary>
    Off,

    /// <summary>The (dtype, rows) cases where the kernel measured faster than libtorch (<see cref="SmallBatchLinear.PrefersKernel"/>).</summary>
    Measured,

    /// <summary>Every product the kernel accepts.</summary>
    Always,
}
