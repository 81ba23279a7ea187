namespace R1Sharp.Models;

/// <summary>bf16 ↔ fp32 by bit pattern (bf16 is the top 16 bits of an fp32), rounding to nearest-even as libtorch does.</summary>
internal static class BFloat16Bits
{
    /// <summary>The fp32 with these bf16 bits on top.</summary>
    public static float ToFloat(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    /// <summary>The nearest bf16, ties to even; NaN stays a (quiet) NaN.</summary>
    public static ushort FromFloat(float value)
    {
        if (float.IsNaN(value)) return 0x7FC0;
        uint bits = BitConverter.SingleToUInt32Bits(value);
        bits += 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)(bits >> 16);
    }
}
