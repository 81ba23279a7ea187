using System.Runtime.Intrinsics;

namespace R1Sharp.Models;

/// <summary>
/// One <see cref="SmallBatchLinear"/> call: y[m, n] = x[m, k] W[n, k]ᵀ (+ b), W in chunks of rows that the
/// threads of <see cref="SmallBatchWorkers"/> claim. x is fp32 (bf16 inputs are widened once by the caller); W, b and y
/// are fp32 or bf16 (<paramref name="bf16"/>), y rounded to nearest-even from the fp32 sum plus bias.
/// </summary>
internal sealed unsafe class SmallBatchLinearJob(float* x, byte* w, byte* bias, byte* y, int m, int n, int k, bool bf16, int chunkRows)
    : IChunkedWork
{
    private readonly int _chunks = (n + chunkRows - 1) / chunkRows;
    private int _next;

    /// <summary>Chunks in the job.</summary>
    public int Chunks => _chunks;

    /// <inheritdoc />
    public void RunChunks()
    {
        int chunk;
        while ((chunk = Interlocked.Increment(ref _next) - 1) < _chunks)
        {
            int first = chunk * chunkRows;
            if (bf16) Band<Bf16Row>(first, Math.Min(n, first + chunkRows));
            else Band<Fp32Row>(first, Math.Min(n, first + chunkRows));
        }
    }

    private void Band<TWeights>(int first, int end)
        where TWeights : struct, IWeightRow
    {
        long rowBytes = (long)k * TWeights.Size;
        const int Rows = SmallBatchTiles.Rows, Inputs = SmallBatchTiles.Inputs;
        for (int row = first; row < end; row += Rows)
        {
            int rows = Math.Min(Rows, end - row);
            // Missing rows (and inputs, below) repeat the last one; their sums are dropped.
            byte* w0 = w + row * rowBytes;
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
                Store(col, row, rows, c0);
                if (cols > 1) Store(col + 1, row, rows, c1);
                if (cols > 2) Store(col + 2, row, rows, c2);
                if (cols > 3) Store(col + 3, row, rows, c3);
            }
            if (col < m)
                Store(col, row, rows, SmallBatchTiles.OneInput<TWeights>(x + (long)col * k, w0, w1, w2, w3, k, col == 0 ? prefetch : null, rowBytes));
        }
    }

    // Sums for rows row..row+rows-1 of input `sample` lie in lanes 0, 4, 8, 12.
    private void Store(int sample, int row, int rows, Vector512<float> sums)
    {
        for (int r = 0; r < rows; r++)
        {
            float sum = sums.GetElement(4 * r);
            int feature = row + r;
            if (bf16)
            {
                if (bias is not null) sum += BFloat16Bits.ToFloat(((ushort*)bias)[feature]);
                ((ushort*)y)[(long)sample * n + feature] = BFloat16Bits.FromFloat(sum);
            }
            else
            {
                if (bias is not null) sum += ((float*)bias)[feature];
                ((float*)y)[(long)sample * n + feature] = sum;
            }
        }
    }
}
