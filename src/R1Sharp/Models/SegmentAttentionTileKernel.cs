using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace R1Sharp.Models;

/// <summary>
/// <see cref="SegmentAttentionKernel"/>'s forward and backward for four consecutive queries of one run and head at once.
/// One query at a time, every key (for scores), value (for P·V) and key/value gradient row (for dK, dV) is loaded for a
/// single multiply-add: the kernel was bound by loads and by the gradient rows' read-modify-write, and cost about twice
/// the dense kernel per kept score. Four queries share each load (sixteen accumulators: four queries by four vectors),
/// and each gradient row is read and written once for all four. Queries i0 … i0+3 see keys 0 … i0+3 between them; the
/// lanes a query may not see are set to −∞ before its softmax, so each still sums over exactly its own keys. Layouts and
/// scratch as <see cref="SegmentAttentionKernel"/>; score rows here are <c>padded</c> floats apart, one per query.
/// </summary>
internal static unsafe class SegmentAttentionTileKernel
{
    /// <summary>Queries in a tile.</summary>
    public const int Queries = 4;

    /// <summary>
    /// Forward of queries <paramref name="i0"/> … <paramref name="i0"/>+3 of a run (rows <paramref name="d"/> apart from
    /// <paramref name="query"/> and <paramref name="output"/>): writes their outputs and their log-sum-exps into
    /// <paramref name="logSumExp"/>[0…3]. <paramref name="scores"/> holds four rows of <paramref name="padded"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(float* query, float* keysTransposed, float* values, int i0, int d, int padded, float scale,
        float* scores, float* output, float* logSumExp)
    {
        int n = i0 + Queries, lanes = (n + 15) & ~15;
        Products(query, keysTransposed, d, padded, lanes, scale, scores);
        var factors = stackalloc float[Queries];
        for (int r = 0; r < Queries; r++)
        {
            float* row = scores + r * padded;
            float max = SegmentAttentionKernel.MaskedMax(row, i0 + r + 1, lanes);
            float sum = SegmentAttentionKernel.Exponentiate(row, i0 + r + 1, lanes, max);
            factors[r] = 1 / sum;
            logSumExp[r] = max + MathF.Log(sum);
        }
        WeightedSums(scores, padded, values, n, d, factors, output);
    }

    /// <summary>
    /// Backward of queries <paramref name="i0"/> … <paramref name="i0"/>+3 of a run, given their output gradients, outputs
    /// and log-sum-exps: writes their dQ and adds their shares to dK and dV of keys 0 … i0+3 (as
    /// <see cref="SegmentAttentionKernel.Backward"/> does for one query). <paramref name="p"/> and <paramref name="ds"/>
    /// each hold four rows of <paramref name="padded"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(float* query, float* keys, float* keysTransposed, float* valuesTransposed, float* outputGrad, float* output,
        float* logSumExp, int i0, int d, int padded, float scale, float* p, float* ds, float* queryGrad, float* keyGrads, float* valueGrads)
    {
        int n = i0 + Queries, lanes = (n + 15) & ~15;
        Products(query, keysTransposed, d, padded, lanes, scale, p);
        Products(outputGrad, valuesTransposed, d, padded, lanes, 1, ds);
        var scaleV = Vector512.Create(scale);
        for (int r = 0; r < Queries; r++)
        {
            float* pRow = p + r * padded, dsRow = ds + r * padded;
            SegmentAttentionKernel.Exponentiate(pRow, i0 + r + 1, lanes, logSumExp[r]);
            var delta = Vector512.Create(SegmentAttentionKernel.Dot(outputGrad + (long)r * d, output + (long)r * d, d));
            for (int j = 0; j < lanes; j += 16)
                Vector512.Store(Vector512.Load(pRow + j) * (Vector512.Load(dsRow + j) - delta) * scaleV, dsRow + j);
        }
        var ones = stackalloc float[Queries] { 1, 1, 1, 1 };
        WeightedSums(ds, padded, keys, n, d, ones, queryGrad);
        AddOuters(p, padded, outputGrad, n, d, valueGrads);
        AddOuters(ds, padded, query, n, d, keyGrads);
    }

    // products[r][j] = scale · (v_r · M_j) for j < lanes (a multiple of 16, within M's padding), v_r the four rows d apart
    // from vectors, M transposed [d × padded]: the micro-kernels over the key lanes, stepping through the head width.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Products(float* vectors, float* transposed, int d, int padded, int lanes, float scale, float* products)
    {
        var scales = stackalloc float[Queries] { scale, scale, scale, scale };
        int j = 0;
        for (; j + 64 <= lanes; j += 64) Block64(transposed + j, padded, d, vectors, d, scales, products + j, padded);
        for (; j < lanes; j += 16) Block16(transposed + j, padded, d, vectors, d, scales, products + j, padded);
    }

    // output_r = factors[r] · Σ_{j<n} weights[r][j] · rows[j] for the four queries (weight rows padded apart, rows and
    // outputs d apart): the micro-kernels over the head width, stepping through the keys.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightedSums(float* weights, int padded, float* rows, int n, int d, float* factors, float* output)
    {
        int c = 0;
        for (; c + 64 <= d; c += 64) Block64(rows + c, d, n, weights, padded, factors, output + c, d);
        for (; c + 16 <= d; c += 16) Block16(rows + c, d, n, weights, padded, factors, output + c, d);
        for (; c < d; c++)
        {
            for (int r = 0; r < Queries; r++)
            {
                float* w = weights + r * padded;
                float a = 0;
                for (int j = 0; j < n; j++) a += w[j] * rows[(long)j * d + c];
                output[r * d + c] = a * factors[r];
            }
        }
    }

    // The micro-kernel both sums run on: out_r[0 … 63] = factors[r] · Σ_k scalars_r[k] · line_k[0 … 63] for the four
    // queries r, where line_k = lines + k·lineStride (64 floats), scalars_r = scalars + r·scalarRowStride and
    // out_r = outputs + r·outputStride. Sixteen accumulators: each loaded line vector feeds four
    // multiply-adds, one per query.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block64(float* lines, long lineStride, int steps, float* scalars, int scalarRowStride,
        float* factors, float* outputs, int outputStride)
    {
        float* s0 = scalars, s1 = scalars + scalarRowStride, s2 = scalars + 2 * scalarRowStride, s3 = scalars + 3 * scalarRowStride;
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
        for (int k = 0; k < steps; k++)
        {
            float* line = lines + k * lineStride;
            var r0 = Vector512.Load(line);
            var r1 = Vector512.Load(line + 16);
            var r2 = Vector512.Load(line + 32);
            var r3 = Vector512.Load(line + 48);
            var x = Vector512.Create(s0[k]);
            a00 = Vector512.FusedMultiplyAdd(x, r0, a00);
            a01 = Vector512.FusedMultiplyAdd(x, r1, a01);
            a02 = Vector512.FusedMultiplyAdd(x, r2, a02);
            a03 = Vector512.FusedMultiplyAdd(x, r3, a03);
            x = Vector512.Create(s1[k]);
            a10 = Vector512.FusedMultiplyAdd(x, r0, a10);
            a11 = Vector512.FusedMultiplyAdd(x, r1, a11);
            a12 = Vector512.FusedMultiplyAdd(x, r2, a12);
            a13 = Vector512.FusedMultiplyAdd(x, r3, a13);
            x = Vector512.Create(s2[k]);
            a20 = Vector512.FusedMultiplyAdd(x, r0, a20);
            a21 = Vector512.FusedMultiplyAdd(x, r1, a21);
            a22 = Vector512.FusedMultiplyAdd(x, r2, a22);
            a23 = Vector512.FusedMultiplyAdd(x, r3, a23);
            x = Vector512.Create(s3[k]);
            a30 = Vector512.FusedMultiplyAdd(x, r0, a30);
            a31 = Vector512.FusedMultiplyAdd(x, r1, a31);
            a32 = Vector512.FusedMultiplyAdd(x, r2, a32);
            a33 = Vector512.FusedMultiplyAdd(x, r3, a33);
        }
        var f = Vector512.Create(factors[0]);
        Store4(a00 * f, a01 * f, a02 * f, a03 * f, outputs);
        f = Vector512.Create(factors[1]);
        Store4(a10 * f, a11 * f, a12 * f, a13 * f, outputs + outputStride);
        f = Vector512.Create(factors[2]);
        Store4(a20 * f, a21 * f, a22 * f, a23 * f, outputs + 2 * outputStride);
        f = Vector512.Create(factors[3]);
        Store4(a30 * f, a31 * f, a32 * f, a33 * f, outputs + 3 * outputStride);
    }

    // Block64 over 16 floats: four accumulators.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block16(float* lines, long lineStride, int steps, float* scalars, int scalarRowStride,
        float* factors, float* outputs, int outputStride)
    {
        float* s0 = scalars, s1 = scalars + scalarRowStride, s2 = scalars + 2 * scalarRowStride, s3 = scalars + 3 * scalarRowStride;
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (int k = 0; k < steps; k++)
        {
            var line = Vector512.Load(lines + k * lineStride);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(s0[k]), line, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Create(s1[k]), line, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Create(s2[k]), line, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Create(s3[k]), line, a3);
        }
        Vector512.Store(a0 * Vector512.Create(factors[0]), outputs);
        Vector512.Store(a1 * Vector512.Create(factors[1]), outputs + outputStride);
        Vector512.Store(a2 * Vector512.Create(factors[2]), outputs + 2 * outputStride);
        Vector512.Store(a3 * Vector512.Create(factors[3]), outputs + 3 * outputStride);
    }

    // rows[j] += Σ_r weights[r][j] · vectors_r for j < n (weight rows padded apart; rows and vectors d apart): each row
    // read and written once for the four queries, whose vectors stay in registers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddOuters(float* weights, int padded, float* vectors, int n, int d, float* rows)
    {
        float* w0 = weights, w1 = weights + padded, w2 = weights + 2 * padded, w3 = weights + 3 * padded;
        int c = 0;
        for (; c + 64 <= d; c += 64)
        {
            float* v = vectors + c;
            var (v00, v01, v02, v03) = (Vector512.Load(v), Vector512.Load(v + 16), Vector512.Load(v + 32), Vector512.Load(v + 48));
            v += d;
            var (v10, v11, v12, v13) = (Vector512.Load(v), Vector512.Load(v + 16), Vector512.Load(v + 32), Vector512.Load(v + 48));
            v += d;
            var (v20, v21, v22, v23) = (Vector512.Load(v), Vector512.Load(v + 16), Vector512.Load(v + 32), Vector512.Load(v + 48));
            v += d;
            var (v30, v31, v32, v33) = (Vector512.Load(v), Vector512.Load(v + 16), Vector512.Load(v + 32), Vector512.Load(v + 48));
            for (int j = 0; j < n; j++)
            {
                float* target = rows + (long)j * d + c;
                var (x0, x1, x2, x3) = (Vector512.Create(w0[j]), Vector512.Create(w1[j]), Vector512.Create(w2[j]), Vector512.Create(w3[j]));
                var t0 = Vector512.FusedMultiplyAdd(x0, v00, Vector512.Load(target));
                var t1 = Vector512.FusedMultiplyAdd(x0, v01, Vector512.Load(target + 16));
                var t2 = Vector512.FusedMultiplyAdd(x0, v02, Vector512.Load(target + 32));
                var t3 = Vector512.FusedMultiplyAdd(x0, v03, Vector512.Load(target + 48));
                t0 = Vector512.FusedMultiplyAdd(x1, v10, t0);
                t1 = Vector512.FusedMultiplyAdd(x1, v11, t1);
                t2 = Vector512.FusedMultiplyAdd(x1, v12, t2);
                t3 = Vector512.FusedMultiplyAdd(x1, v13, t3);
                t0 = Vector512.FusedMultiplyAdd(x2, v20, t0);
                t1 = Vector512.FusedMultiplyAdd(x2, v21, t1);
                t2 = Vector512.FusedMultiplyAdd(x2, v22, t2);
                t3 = Vector512.FusedMultiplyAdd(x2, v23, t3);
                t0 = Vector512.FusedMultiplyAdd(x3, v30, t0);
                t1 = Vector512.FusedMultiplyAdd(x3, v31, t1);
                t2 = Vector512.FusedMultiplyAdd(x3, v32, t2);
                t3 = Vector512.FusedMultiplyAdd(x3, v33, t3);
                Store4(t0, t1, t2, t3, target);
            }
        }
        for (; c + 32 <= d; c += 32)
        {
            var v00 = Vector512.Load(vectors + c);
            var v01 = Vector512.Load(vectors + c + 16);
            var v10 = Vector512.Load(vectors + d + c);
            var v11 = Vector512.Load(vectors + d + c + 16);
            var v20 = Vector512.Load(vectors + 2 * d + c);
            var v21 = Vector512.Load(vectors + 2 * d + c + 16);
            var v30 = Vector512.Load(vectors + 3 * d + c);
            var v31 = Vector512.Load(vectors + 3 * d + c + 16);
            for (int j = 0; j < n; j++)
            {
                float* target = rows + (long)j * d + c;
                var (x0, x1, x2, x3) = (Vector512.Create(w0[j]), Vector512.Create(w1[j]), Vector512.Create(w2[j]), Vector512.Create(w3[j]));
                var t0 = Vector512.FusedMultiplyAdd(x0, v00, Vector512.Load(target));
                var t1 = Vector512.FusedMultiplyAdd(x0, v01, Vector512.Load(target + 16));
                t0 = Vector512.FusedMultiplyAdd(x1, v10, t0);
                t1 = Vector512.FusedMultiplyAdd(x1, v11, t1);
                t0 = Vector512.FusedMultiplyAdd(x2, v20, t0);
                t1 = Vector512.FusedMultiplyAdd(x2, v21, t1);
                t0 = Vector512.FusedMultiplyAdd(x3, v30, t0);
                t1 = Vector512.FusedMultiplyAdd(x3, v31, t1);
                Vector512.Store(t0, target);
                Vector512.Store(t1, target + 16);
            }
        }
        for (; c + 16 <= d; c += 16)
        {
            var (v0, v1, v2, v3) = (Vector512.Load(vectors + c), Vector512.Load(vectors + d + c), Vector512.Load(vectors + 2 * d + c), Vector512.Load(vectors + 3 * d + c));
            for (int j = 0; j < n; j++)
            {
                float* target = rows + (long)j * d + c;
                var t = Vector512.FusedMultiplyAdd(Vector512.Create(w0[j]), v0, Vector512.Load(target));
                t = Vector512.FusedMultiplyAdd(Vector512.Create(w1[j]), v1, t);
                t = Vector512.FusedMultiplyAdd(Vector512.Create(w2[j]), v2, t);
                Vector512.Store(Vector512.FusedMultiplyAdd(Vector512.Create(w3[j]), v3, t), target);
            }
        }
        for (; c < d; c++)
        {
            for (int j = 0; j < n; j++)
                rows[(long)j * d + c] += w0[j] * vectors[c] + w1[j] * vectors[d + c] + w2[j] * vectors[2 * d + c] + w3[j] * vectors[3 * d + c];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d, float* target)
    {
        Vector512.Store(a, target);
        Vector512.Store(b, target + 16);
        Vector512.Store(c, target + 32);
        Vector512.Store(d, target + 48);
    }
}
