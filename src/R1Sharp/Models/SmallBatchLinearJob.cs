using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace R1Sharp.Models;

/// <summary>
/// One <see cref="SmallBatchLinear"/> call: y[m, n] = x[m, k] W[n, k]ᵀ (+ b) for one or more weights that share the input
/// x (a fused projection: q, k and v, or gate and up), W in chunks of rows that the threads of
/// <see cref="SmallBatchWorkers"/> claim across all of them, so one call streams every weight with one wake-up and one
/// tail. x is fp32 (bf16 inputs are widened once by the caller); W, b and y are fp32 or bf16 (the constructor's <c>bf16</c>),
/// y rounded to nearest-even from the fp32 sum plus bias.
/// </summary>
internal sealed unsafe class SmallBatchLinearJob(float* x, SmallBatchLinearSegment[] segments, int m, int k, bool bf16, int chunkRows)
    : IChunkedWork
{
    // The first chunk of each segment, and the job's chunk count last.
    private readonly int[] _firstChunk = FirstChunks(segments, chunkRows);
    private int _next;

    /// <summary>Chunks in the job.</summary>
    public int Chunks => _firstChunk[^1];

    /// <inheritdoc />
    public void RunChunks()
    {
        int chunk;
        while ((chunk = Interlocked.Increment(ref _next) - 1) < Chunks)
        {
            int s = 0;
            while (chunk >= _firstChunk[s + 1]) s++;
            var segment = segments[s];
            int first = (chunk - _firstChunk[s]) * chunkRows;
            int end = Math.Min(segment.N, first + chunkRows);
            if (bf16) Band<Bf16Row>(segment, first, end);
            else Band<Fp32Row>(segment, first, end);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Band<TWeights>(SmallBatchLinearSegment segment, int first, int end)
        where TWeights : struct, IWeightRow
    {
        long rowBytes = (long)k * TWeights.Size;
        const int Rows = SmallBatchTiles.Rows, Inputs = SmallBatchTiles.Inputs;
        // One input (batch-1 decode): each row front to back, so that the chunk is one sequential stream for the
        // hardware prefetcher (measured 3-4% faster per decode step than four rows at once; nothing to reuse at m = 1).
        if (m == 1)
        {
            for (int row = first; row < end; row++)
            {
                float sum = SmallBatchTiles.OneRow<TWeights>(x, segment.Weight + row * rowBytes, k);
                StoreOne(segment, 0, row, sum);
            }
            return;
        }
        for (int row = first; row < end; row += Rows)
        {
            int rows = Math.Min(Rows, end - row);
            // Missing rows (and inputs, below) repeat the last one; their sums are dropped.
            byte* w0 = segment.Weight + row * rowBytes;
            byte* w1 = w0 + Math.Min(1, rows - 1) * rowBytes, w2 = w0 + Math.Min(2, rows - 1) * rowBytes, w3 = w0 + Math.Min(3, rows - 1) * rowBytes;
            byte* prefetch = row + Rows < end ? w0 + Rows * rowBytes : null;
            int col = 0;
            for (; col + 1 < m; col += Inputs)
            {
                int cols = Math.Min(Inputs, m - col);
                float* x0 = x + (long)col * k;
                SmallBatchTiles.FourInputs<TWeights>(
                    x0, x0 + Math.Min(1, cols - 1) * k, x0 + Math.Min(2, cols - 1) * k, x0 + Math.Min(3, cols - 1) * k,
                    w0, w1, w2, w3, k, col == 0 ? prefetch : null, rowBytes, out var c0, out var c1, out var c2, out var c3);
                Store(segment, col, row, rows, c0);
                if (cols > 1) Store(segment, col + 1, row, rows, c1);
                if (cols > 2) Store(segment, col + 2, row, rows, c2);
                if (cols > 3) Store(segment, col + 3, row, rows, c3);
            }
            if (col < m)
                Store(segment, col, row, rows, SmallBatchTiles.OneInput<TWeights>(x + (long)col * k, w0, w1, w2, w3, k, col == 0 ? prefetch : null, rowBytes));
        }
    }

    // Sums for rows row..row+rows-1 of input `sample` lie in lanes 0, 4, 8, 12.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Store(SmallBatchLinearSegment segment, int sample, int row, int rows, Vector512<float> sums)
    {
        for (int r = 0; r < rows; r++) StoreOne(segment, sample, row + r, sums.GetElement(4 * r));
    }

    private static int[] FirstChunks(SmallBatchLinearSegment[] segments, int chunkRows)
    {
        var first = new int[segments.Length + 1];
        for (int s = 0; s < segments.Length; s++) first[s + 1] = first[s] + (segments[s].N + chunkRows - 1) / chunkRows;
        return first;
    }

    // Output (sample, feature) = the sum plus the feature's bias, rounded to bf16 for bf16 outputs.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void StoreOne(SmallBatchLinearSegment segment, int sample, int feature, float sum)
    {
        long at = (long)sample * segment.N + feature;
        if (bf16)
        {
            if (segment.Bias is not null) sum += BFloat16Bits.ToFloat(((ushort*)segment.Bias)[feature]);
            ((ushort*)segment.Output)[at] = BFloat16Bits.FromFloat(sum);
        }
        else
        {
            if (segment.Bias is not null) sum += ((float*)segment.Bias)[feature];
            ((float*)segment.Output)[at] = sum;
        }
    }
}
