using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace R1Sharp.Models;

/// <summary>
/// Causal attention inside one run (a packed sample) of one query head, forward and backward, in float32 on raw memory.
/// Rows are <c>d</c> floats apart (queries, keys, values, outputs and their gradients); scores are vectorised over keys
/// on a transposed copy of the run's keys ([d × padded], zeros past the run), so no dot product needs a
/// horizontal sum; sums over keys (P·V, dS·K) are vectorised over the head width. Key lanes a query may not see are set
/// to −∞ before the softmax, so each query sums over exactly the keys the block-diagonal causal mask allows. Every
/// method is compiled fully optimised at its first call: at tier 0 the vector intrinsics are calls, and a short run (a
/// test, the first steps of a training run) measured the kernel several times slower than libtorch's dense one there.
/// </summary>
internal static unsafe class SegmentAttentionKernel
{
    /// <summary>Writes the run's keys [length × d] transposed into <paramref name="transposed"/> [d × padded], zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose(float* rows, int length, int d, int padded, float* transposed)
    {
        for (int c = 0; c < d; c++)
        {
            float* line = transposed + (long)c * padded;
            for (int j = 0; j < length; j++) line[j] = rows[(long)j * d + c];
            for (int j = length; j < padded; j++) line[j] = 0;
        }
    }

    /// <summary>
    /// Forward of query <paramref name="i"/> of a run: softmax(scale·q·Kᵀ) over keys 0…i, times V, into
    /// <paramref name="output"/>; returns the log-sum-exp of the scaled scores (the backward recomputes P from it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Forward(float* query, float* keysTransposed, float* values, int i, int d, int padded, float scale, float* scores, float* output)
    {
        int n = i + 1;
        float max = Scores(query, keysTransposed, d, padded, n, scale, scores);
        float sum = Exponentiate(scores, n, (n + 15) & ~15, max);
        WeightedSum(scores, values, n, d, 1 / sum, output);
        return max + MathF.Log(sum);
    }

    /// <summary>
    /// Backward of query <paramref name="i"/> of a run, given its output gradient dO, output O and log-sum-exp: writes
    /// dQ of the query and adds its share to dK and dV of keys 0…i (P = exp(S − lse), dP = dO·Vᵀ,
    /// dS = P ⊙ (dP − dO·O), dQ = scale·dS·K, dK += scale·dSᵀ·q, dV += Pᵀ·dO).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(float* query, float* keys, float* keysTransposed, float* valuesTransposed, float* outputGrad, float* output,
        float logSumExp, int i, int d, int padded, float scale, float* p, float* ds, float* queryGrad, float* keyGrads, float* valueGrads)
    {
        int n = i + 1;
        float delta = Dot(outputGrad, output, d);
        Scores(query, keysTransposed, d, padded, n, scale, p);
        Exponentiate(p, n, (n + 15) & ~15, logSumExp);
        Products(outputGrad, valuesTransposed, d, padded, n, 1, ds);
        int blocks = (n + 15) >> 4;
        var deltaV = Vector512.Create(delta);
        var scaleV = Vector512.Create(scale);
        for (int b = 0; b < blocks; b++)
        {
            var probability = Vector512.Load(p + b * 16);
            Vector512.Store(probability * (Vector512.Load(ds + b * 16) - deltaV) * scaleV, ds + b * 16);
        }
        WeightedSum(ds, keys, n, d, 1, queryGrad);
        AddOuter(p, outputGrad, n, d, valueGrads);
        AddOuter(ds, query, n, d, keyGrads);
    }

    // scores[j] = scale · (q · K_j) for j < n from the transposed keys, lanes n … (end of the last block) −∞; returns the
    // largest score.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Scores(float* query, float* transposed, int d, int padded, int n, float scale, float* scores)
    {
        Products(query, transposed, d, padded, n, scale, scores);
        return MaskedMax(scores, n, (n + 15) & ~15);
    }

    /// <summary>Sets lanes <paramref name="n"/> … <paramref name="lanes"/>−1 of the row to −∞ and returns the largest of its first n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float MaskedMax(float* row, int n, int lanes)
    {
        for (int j = n; j < lanes; j++) row[j] = float.NegativeInfinity;
        var max = Vector512.Create(float.NegativeInfinity);
        for (int j = 0; j < lanes; j += 16) max = Vector512.Max(max, Vector512.Load(row + j));
        return HorizontalMax(max);
    }

    // products[j] = scale · (v · M_j) for the whole blocks of 16 that cover j < n, from M transposed [d × padded] (zeros
    // past the run). Four blocks at a time keep four independent FMA chains in flight.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Products(float* vector, float* transposed, int d, int padded, int n, float scale, float* products)
    {
        int blocks = (n + 15) >> 4;
        var scaleV = Vector512.Create(scale);
        int b = 0;
        for (; b + 4 <= blocks; b += 4)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            float* column = transposed + b * 16;
            for (int c = 0; c < d; c++)
            {
                var x = Vector512.Create(vector[c]);
                float* line = column + (long)c * padded;
                a0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(line), a0);
                a1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(line + 16), a1);
                a2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(line + 32), a2);
                a3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(line + 48), a3);
            }
            Vector512.Store(a0 * scaleV, products + b * 16);
            Vector512.Store(a1 * scaleV, products + b * 16 + 16);
            Vector512.Store(a2 * scaleV, products + b * 16 + 32);
            Vector512.Store(a3 * scaleV, products + b * 16 + 48);
        }
        for (; b < blocks; b++)
        {
            Vector512<float> a = default;
            float* column = transposed + b * 16;
            for (int c = 0; c < d; c++) a = Vector512.FusedMultiplyAdd(Vector512.Create(vector[c]), Vector512.Load(column + (long)c * padded), a);
            Vector512.Store(a * scaleV, products + b * 16);
        }
    }

    /// <summary>row[j] ← exp(row[j] − shift) for j &lt; <paramref name="n"/> and 0 for n … <paramref name="lanes"/>−1 (a multiple of 16); returns their sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float Exponentiate(float* row, int n, int lanes, float shift)
    {
        var shiftV = Vector512.Create(shift);
        var sum = Vector512<float>.Zero;
        for (int j = 0; j < lanes; j += 16)
        {
            var e = Vector512.Exp(Vector512.Load(row + j) - shiftV);
            if (j + 16 > n) e = Vector512.ConditionalSelect(Vector512.LessThan(Vector512<int>.Indices + Vector512.Create(j), Vector512.Create(n)).AsSingle(), e, Vector512<float>.Zero);
            Vector512.Store(e, row + j);
            sum += e;
        }
        return Vector512.Sum(sum);
    }

    // output = factor · Σ_{j<n} weights[j] · rows[j] (rows d apart).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightedSum(float* weights, float* rows, int n, int d, float factor, float* output)
    {
        int c = 0;
        for (; c + 16 <= d; c += 16)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            float* column = rows + c;
            int j = 0;
            for (; j + 4 <= n; j += 4)
            {
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(weights[j]), Vector512.Load(column + (long)j * d), a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Create(weights[j + 1]), Vector512.Load(column + (long)(j + 1) * d), a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Create(weights[j + 2]), Vector512.Load(column + (long)(j + 2) * d), a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Create(weights[j + 3]), Vector512.Load(column + (long)(j + 3) * d), a3);
            }
            for (; j < n; j++) a0 = Vector512.FusedMultiplyAdd(Vector512.Create(weights[j]), Vector512.Load(column + (long)j * d), a0);
            Vector512.Store((a0 + a1 + a2 + a3) * Vector512.Create(factor), output + c);
        }
        for (; c < d; c++)
        {
            float a = 0;
            for (int j = 0; j < n; j++) a += weights[j] * rows[(long)j * d + c];
            output[c] = a * factor;
        }
    }

    // rows[j] += weights[j] · vector for j < n (rows d apart).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddOuter(float* weights, float* vector, int n, int d, float* rows)
    {
        int c = 0;
        for (; c + 16 <= d; c += 16)
        {
            var v = Vector512.Load(vector + c);
            float* column = rows + c;
            for (int j = 0; j < n; j++)
            {
                float* target = column + (long)j * d;
                Vector512.Store(Vector512.FusedMultiplyAdd(Vector512.Create(weights[j]), v, Vector512.Load(target)), target);
            }
        }
        for (; c < d; c++)
        {
            float v = vector[c];
            for (int j = 0; j < n; j++) rows[(long)j * d + c] += weights[j] * v;
        }
    }

    /// <summary>a · b over <paramref name="d"/> floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float Dot(float* a, float* b, int d)
    {
        var sum = Vector512<float>.Zero;
        int c = 0;
        for (; c + 16 <= d; c += 16) sum = Vector512.FusedMultiplyAdd(Vector512.Load(a + c), Vector512.Load(b + c), sum);
        float total = Vector512.Sum(sum);
        for (; c < d; c++) total += a[c] * b[c];
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float HorizontalMax(Vector512<float> v)
    {
        var half = Vector256.Max(v.GetLower(), v.GetUpper());
        var quarter = Vector128.Max(half.GetLower(), half.GetUpper());
        float max = quarter.GetElement(0);
        for (int k = 1; k < 4; k++) max = MathF.Max(max, quarter.GetElement(k));
        return max;
    }
}
