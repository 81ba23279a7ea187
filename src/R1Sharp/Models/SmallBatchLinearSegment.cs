namespace R1Sharp.Models;

/// <summary>
/// One weight of a <see cref="SmallBatchLinearJob"/>: W [n, k] at <see cref="Weight"/>, its bias [n] or null, and its
/// output [m, n], all of the job's dtype.
/// </summary>
internal readonly unsafe struct SmallBatchLinearSegment(byte* weight, byte* bias, byte* output, int n)
{
    public byte* Weight { get; } = weight;

    public byte* Bias { get; } = bias;

    public byte* Output { get; } = output;

    public int N { get; } = n;
}
