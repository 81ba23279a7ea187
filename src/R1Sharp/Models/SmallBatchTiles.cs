using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace R1Sharp.Models;

/// <summary>
/// The inner loops of <see cref="SmallBatchLinear"/>: dot products of up to four weight rows with up to four fp32
/// input rows, the weights read as fp32 or bf16 (an <see cref="IWeightRow"/> the JIT specialises each loop for). bf16 rows are
/// widened in registers (zero-extend 16 → 32 bits, shift left 16: bf16 is fp32's top half), so W is read once and
/// never written back anywhere. While one tile of rows streams in, the next tile's rows are prefetched (the hardware
/// prefetcher stops at each 4 KiB page, and four rows are four streams), which is what brings one thread to its
/// bandwidth.
/// </summary>
internal static unsafe class SmallBatchTiles
{
    /// <summary>Weight rows in one tile.</summary>
    public const int Rows = 4;

    /// <summary>Input rows in one tile.</summary>
    public const int Inputs = 4;

    /// <summary>
    /// Sums of four weight rows (byte addresses <paramref name="w0"/>..<paramref name="w3"/>) with one input row
    /// <paramref name="x"/> of <paramref name="k"/> elements, into lanes 0, 4, 8 and 12 of the result.
    /// <paramref name="prefetch"/> is the byte address of the next tile's first row (rows <paramref name="rowBytes"/>
    /// apart), or null.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> OneInput<TWeights>(float* x, byte* w0, byte* w1, byte* w2, byte* w3, int k, byte* prefetch, long rowBytes)
        where TWeights : struct, IWeightRow
    {
        var a0 = Vector512<float>.Zero; var a1 = a0; var a2 = a0; var a3 = a0;
        var b0 = a0; var b1 = a0; var b2 = a0; var b3 = a0;
        int i = 0;
        for (; i + 32 <= k; i += 32)
        {
            if (prefetch is not null) Prefetch<TWeights>(prefetch + (long)i * TWeights.Size, rowBytes);
            var v = Vector512.Load(x + i);
            var u = Vector512.Load(x + i + 16);
            a0 = Vector512.FusedMultiplyAdd(TWeights.Load(w0, i), v, a0);
            a1 = Vector512.FusedMultiplyAdd(TWeights.Load(w1, i), v, a1);
            a2 = Vector512.FusedMultiplyAdd(TWeights.Load(w2, i), v, a2);
            a3 = Vector512.FusedMultiplyAdd(TWeights.Load(w3, i), v, a3);
            b0 = Vector512.FusedMultiplyAdd(TWeights.Load(w0, i + 16), u, b0);
            b1 = Vector512.FusedMultiplyAdd(TWeights.Load(w1, i + 16), u, b1);
            b2 = Vector512.FusedMultiplyAdd(TWeights.Load(w2, i + 16), u, b2);
            b3 = Vector512.FusedMultiplyAdd(TWeights.Load(w3, i + 16), u, b3);
        }
        for (; i + 16 <= k; i += 16)
        {
            var v = Vector512.Load(x + i);
            a0 = Vector512.FusedMultiplyAdd(TWeights.Load(w0, i), v, a0);
            a1 = Vector512.FusedMultiplyAdd(TWeights.Load(w1, i), v, a1);
            a2 = Vector512.FusedMultiplyAdd(TWeights.Load(w2, i), v, a2);
            a3 = Vector512.FusedMultiplyAdd(TWeights.Load(w3, i), v, a3);
        }
        var sums = Reduce(a0 + b0, a1 + b1, a2 + b2, a3 + b3);
        if (i == k) return sums;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (; i < k; i++)
        {
            s0 += TWeights.At(w0, i) * x[i]; s1 += TWeights.At(w1, i) * x[i];
            s2 += TWeights.At(w2, i) * x[i]; s3 += TWeights.At(w3, i) * x[i];
        }
        return sums + Vector512.Create(s0, 0, 0, 0, s1, 0, 0, 0, s2, 0, 0, 0, s3, 0, 0, 0);
    }

    /// <summary>One weight row with one input row, read front to back (one sequential stream).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float OneRow<TWeights>(float* x, byte* w, int k)
        where TWeights : struct, IWeightRow
    {
        var a0 = Vector512<float>.Zero; var a1 = a0; var a2 = a0; var a3 = a0;
        int i = 0;
        for (; i + 64 <= k; i += 64)
        {
            a0 = Vector512.FusedMultiplyAdd(TWeights.Load(w, i), Vector512.Load(x + i), a0);
            a1 = Vector512.FusedMultiplyAdd(TWeights.Load(w, i + 16), Vector512.Load(x + i + 16), a1);
            a2 = Vector512.FusedMultiplyAdd(TWeights.Load(w, i + 32), Vector512.Load(x + i + 32), a2);
            a3 = Vector512.FusedMultiplyAdd(TWeights.Load(w, i + 48), Vector512.Load(x + i + 48), a3);
        }
        for (; i + 16 <= k; i += 16) a0 = Vector512.FusedMultiplyAdd(TWeights.Load(w, i), Vector512.Load(x + i), a0);
        float sum = Vector512.Sum((a0 + a1) + (a2 + a3));
        for (; i < k; i++) sum += TWeights.At(w, i) * x[i];
        return sum;
    }

    /// <summary>
    /// Sums of four weight rows with four input rows (<paramref name="x0"/>..<paramref name="x3"/>): the sums of input
    /// c lie in lanes 0, 4, 8 and 12 of <paramref name="c0"/>..<paramref name="c3"/>. Each weight vector loaded feeds four
    /// FMAs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void FourInputs<TWeights>(
        float* x0, float* x1, float* x2, float* x3, byte* w0, byte* w1, byte* w2, byte* w3, int k, byte* prefetch, long rowBytes,
        out Vector512<float> c0, out Vector512<float> c1, out Vector512<float> c2, out Vector512<float> c3)
        where TWeights : struct, IWeightRow
    {
        var a00 = Vector512<float>.Zero; var a01 = a00; var a02 = a00; var a03 = a00;
        var a10 = a00; var a11 = a00; var a12 = a00; var a13 = a00;
        var a20 = a00; var a21 = a00; var a22 = a00; var a23 = a00;
        var a30 = a00; var a31 = a00; var a32 = a00; var a33 = a00;
        int i = 0;
        for (; i + 16 <= k; i += 16)
        {
            if (prefetch is not null && (i & 31) == 0) Prefetch<TWeights>(prefetch + (long)i * TWeights.Size, rowBytes);
            var v0 = Vector512.Load(x0 + i); var v1 = Vector512.Load(x1 + i);
            var v2 = Vector512.Load(x2 + i); var v3 = Vector512.Load(x3 + i);
            var r = TWeights.Load(w0, i);
            a00 = Vector512.FusedMultiplyAdd(r, v0, a00); a01 = Vector512.FusedMultiplyAdd(r, v1, a01);
            a02 = Vector512.FusedMultiplyAdd(r, v2, a02); a03 = Vector512.FusedMultiplyAdd(r, v3, a03);
            r = TWeights.Load(w1, i);
            a10 = Vector512.FusedMultiplyAdd(r, v0, a10); a11 = Vector512.FusedMultiplyAdd(r, v1, a11);
            a12 = Vector512.FusedMultiplyAdd(r, v2, a12); a13 = Vector512.FusedMultiplyAdd(r, v3, a13);
            r = TWeights.Load(w2, i);
            a20 = Vector512.FusedMultiplyAdd(r, v0, a20); a21 = Vector512.FusedMultiplyAdd(r, v1, a21);
            a22 = Vector512.FusedMultiplyAdd(r, v2, a22); a23 = Vector512.FusedMultiplyAdd(r, v3, a23);
            r = TWeights.Load(w3, i);
            a30 = Vector512.FusedMultiplyAdd(r, v0, a30); a31 = Vector512.FusedMultiplyAdd(r, v1, a31);
            a32 = Vector512.FusedMultiplyAdd(r, v2, a32); a33 = Vector512.FusedMultiplyAdd(r, v3, a33);
        }
        c0 = Reduce(a00, a10, a20, a30); c1 = Reduce(a01, a11, a21, a31);
        c2 = Reduce(a02, a12, a22, a32); c3 = Reduce(a03, a13, a23, a33);
        if (i == k) return;
        c0 += Tail<TWeights>(x0, w0, w1, w2, w3, i, k); c1 += Tail<TWeights>(x1, w0, w1, w2, w3, i, k);
        c2 += Tail<TWeights>(x2, w0, w1, w2, w3, i, k); c3 += Tail<TWeights>(x3, w0, w1, w2, w3, i, k);
    }

    private static Vector512<float> Tail<TWeights>(float* x, byte* w0, byte* w1, byte* w2, byte* w3, int i, int k)
        where TWeights : struct, IWeightRow
    {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (; i < k; i++)
        {
            s0 += TWeights.At(w0, i) * x[i]; s1 += TWeights.At(w1, i) * x[i];
            s2 += TWeights.At(w2, i) * x[i]; s3 += TWeights.At(w3, i) * x[i];
        }
        return Vector512.Create(s0, 0, 0, 0, s1, 0, 0, 0, s2, 0, 0, 0, s3, 0, 0, 0);
    }

    // One cache line of each of the next tile's four rows per 32 bf16 (two per 32 fp32).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch<TWeights>(byte* at, long rowBytes)
        where TWeights : struct, IWeightRow
    {
        if (!Sse.IsSupported) return;
        for (int line = 0; line < 32 * TWeights.Size; line += 64)
        {
            Sse.Prefetch0(at + line);
            Sse.Prefetch0(at + rowBytes + line);
            Sse.Prefetch0(at + 2 * rowBytes + line);
            Sse.Prefetch0(at + 3 * rowBytes + line);
        }
    }

    // Four horizontal sums at once: 128-bit lane shuffles fold a0..a3 into one vector holding four partial sums of
    // each, then two in-lane shuffles finish them; sum r lands in lane 4r.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Reduce(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3)
    {
        if (!Avx512F.IsSupported) // Vector512's software fallback (tests on a CPU without AVX-512)
            return Vector512.Create(Vector512.Sum(a0), 0, 0, 0, Vector512.Sum(a1), 0, 0, 0, Vector512.Sum(a2), 0, 0, 0, Vector512.Sum(a3), 0, 0, 0);
        var s01 = Avx512F.Shuffle4x128(a0, a1, 0b01_00_01_00) + Avx512F.Shuffle4x128(a0, a1, 0b11_10_11_10);
        var s23 = Avx512F.Shuffle4x128(a2, a3, 0b01_00_01_00) + Avx512F.Shuffle4x128(a2, a3, 0b11_10_11_10);
        var t = Avx512F.Shuffle4x128(s01, s23, 0b10_00_10_00) + Avx512F.Shuffle4x128(s01, s23, 0b11_01_11_01);
        t += Avx512F.Shuffle(t, t, 0b10_11_00_01);
        return t + Avx512F.Shuffle(t, t, 0b01_00_11_10);
    }
}

/// <summary>How <see cref="SmallBatchTiles"/> reads one weight row: element size and fp32 vectors of 16 elements.</summary>
internal unsafe interface IWeightRow
{
    /// <summary>Bytes per element.</summary>
    static abstract int Size { get; }

    /// <summary>Elements i..i+15 of the row at <paramref name="row"/>, as fp32.</summary>
    static abstract Vector512<float> Load(byte* row, int i);

    /// <summary>Element i of the row, as fp32.</summary>
    static abstract float At(byte* row, int i);
}

/// <summary>fp32 weights.</summary>
internal readonly unsafe struct Fp32Row : IWeightRow
{
    public static int Size => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(byte* row, int i) => Vector512.Load((float*)row + i);

    public static float At(byte* row, int i) => ((float*)row)[i];
}

/// <summary>bf16 weights, widened in registers.</summary>
internal readonly unsafe struct Bf16Row : IWeightRow
{
    public static int Size => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(byte* row, int i)
    {
        var bits = Vector256.Load((ushort*)row + i);
        return Avx512F.IsSupported
            ? Avx512F.ShiftLeftLogical(Avx512F.ConvertToVector512Int32(bits), 16).AsSingle()
            : Vector512.ShiftLeft(Vector512.WidenLower(Vector512.Create(bits, bits)), 16).AsSingle();
    }

    public static float At(byte* row, int i) => BitConverter.Int32BitsToSingle(((ushort*)row)[i] << 16);
}
