using System.Buffers;
using System.Runtime.CompilerServices;

namespace R1Sharp.Models;

/// <summary>
/// The work of <see cref="SegmentAttention"/>, one chunk per (row, key/value head): each run of the row, each query
/// head of the group, the queries of the run four at a time (<see cref="SegmentAttentionTileKernel"/>) and the last
/// few one at a time (<see cref="SegmentAttentionKernel"/>). A chunk owns its key/value head's gradients, so chunks
/// never write the same memory. Layouts are contiguous float32: queries, outputs and their
/// gradients [B, heads, T, D], keys, values and theirs [B, kvHeads, T, D], log-sum-exps [B, heads, T]. The backward
/// expects the key and value gradients zeroed.
/// </summary>
internal sealed unsafe class SegmentAttentionJob : IChunkedWork
{
    private readonly PackedSegments _segments;
    private readonly int _heads, _kvHeads, _headDim;
    private readonly float* _q, _k, _v, _o, _lse, _dO, _dQ, _dK, _dV;
    private int _next;

    private SegmentAttentionJob(PackedSegments segments, int heads, int kvHeads, int headDim,
        float* q, float* k, float* v, float* o, float* lse, float* dO, float* dQ, float* dK, float* dV)
    {
        (_segments, _heads, _kvHeads, _headDim) = (segments, heads, kvHeads, headDim);
        _q = q;
        _k = k;
        _v = v;
        _o = o;
        _lse = lse;
        _dO = dO;
        _dQ = dQ;
        _dK = dK;
        _dV = dV;
    }

    /// <summary>Forward: fills <paramref name="o"/> and <paramref name="lse"/>.</summary>
    public static SegmentAttentionJob Forward(PackedSegments segments, int heads, int kvHeads, int headDim, float* q, float* k, float* v, float* o, float* lse) =>
        new(segments, heads, kvHeads, headDim, q, k, v, o, lse, null, null, null, null);

    /// <summary>Backward: fills <paramref name="dQ"/> and adds into the zeroed <paramref name="dK"/> and <paramref name="dV"/>.</summary>
    public static SegmentAttentionJob Backward(PackedSegments segments, int heads, int kvHeads, int headDim,
        float* q, float* k, float* v, float* o, float* lse, float* dO, float* dQ, float* dK, float* dV) =>
        new(segments, heads, kvHeads, headDim, q, k, v, o, lse, dO, dQ, dK, dV);

    /// <summary>Chunks in the job: one per row and key/value head.</summary>
    public int Chunks => _segments.Rows * _kvHeads;

    /// <inheritdoc />
    public void RunChunks()
    {
        int chunk;
        while ((chunk = Interlocked.Increment(ref _next) - 1) < Chunks) Run(chunk / _kvHeads, chunk % _kvHeads);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Run(int row, int kvHead)
    {
        int d = _headDim, t = _segments.Length, group = _heads / _kvHeads;
        int padded = (_segments.Longest(row) + 15) & ~15;
        bool backward = _dO is not null;
        // Transposed keys (and values, backward) of the current run, and two blocks of score rows (one per query of a tile).
        const int tile = SegmentAttentionTileKernel.Queries;
        var scratch = ArrayPool<float>.Shared.Rent((backward ? 2 : 1) * d * padded + 2 * tile * padded);
        try
        {
            fixed (float* buffer = scratch)
            {
                float* keysT = buffer, valuesT = buffer + d * padded;
                float* first = buffer + (backward ? 2 : 1) * d * padded, second = first + tile * padded;
                long kvOffset = ((long)row * _kvHeads + kvHead) * t * d;
                var starts = _segments.Starts(row);
                var lengths = _segments.Lengths(row);
                float scale = 1 / MathF.Sqrt(d);
                for (int s = 0; s < starts.Length; s++)
                {
                    int start = starts[s], length = lengths[s];
                    float* keys = _k + kvOffset + (long)start * d, values = _v + kvOffset + (long)start * d;
                    SegmentAttentionKernel.Transpose(keys, length, d, padded, keysT);
                    if (backward) SegmentAttentionKernel.Transpose(values, length, d, padded, valuesT);
                    for (int r = 0; r < group; r++)
                    {
                        long head = (long)row * _heads + kvHead * group + r;
                        long rowOffset = (head * t + start) * d;
                        float* lse = _lse + head * t + start;
                        float* dK = _dK + kvOffset + (long)start * d, dV = _dV + kvOffset + (long)start * d;
                        int i = 0;
                        for (; i + tile <= length; i += tile)
                        {
                            long at = rowOffset + (long)i * d;
                            if (!backward)
                                SegmentAttentionTileKernel.Forward(_q + at, keysT, values, i, d, padded, scale, first, _o + at, lse + i);
                            else
                                SegmentAttentionTileKernel.Backward(_q + at, keys, keysT, valuesT, _dO + at, _o + at, lse + i, i, d, padded, scale,
                                    first, second, _dQ + at, dK, dV);
                        }
                        for (; i < length; i++)
                        {
                            long at = rowOffset + (long)i * d;
                            if (!backward)
                                lse[i] = SegmentAttentionKernel.Forward(_q + at, keysT, values, i, d, padded, scale, first, _o + at);
                            else
                                SegmentAttentionKernel.Backward(_q + at, keys, keysT, valuesT, _dO + at, _o + at, lse[i], i, d, padded, scale,
                                    first, second, _dQ + at, dK, dV);
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }
}
