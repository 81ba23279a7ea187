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
            float max = MaskedMax(row, i0 + r + 1, lanes);
            float sum = Exponentiate(row, i0 + r + 1, lanes, max);
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
            Exponentiate(pRow, i0 + r + 1, lanes, logSumExp[r]);
            var delta = Vector512.Create(Dot(outputGrad + (long)r * d, output + (long)r * d, d));
            for (int j = 0; j < lanes; j += 16)
                Vector512.Store(Vector512.Load(pRow + j) * (Vector512.Load(dsRow + j) - delta) * scaleV, dsRow + j);
        }
        var ones = stackalloc float[Queries] { 1, 1, 1, 1 };
        WeightedSums(ds, padded, keys, n, d, ones, queryGrad);
        AddOuters(p, padded, outputGrad, n, d, valueGrads);
        AddOuters(ds, padded, query, n, d, keyGrads);
    }

    // products[r][j] = scale · (v_r · M_j) for j < lanes (a multiple of 16, within M's padding), v_r the four rows d apart
    // from vectors, M transposed [d × padded]. Four queries by four blocks of keys: each loaded key vector feeds four
    // multiply-adds.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Products(float* vectors, float* transposed, int d, int padded, int lanes, float scale, float* products)
    {
        var scaleV = Vector512.Create(scale);
        float* v0 = vectors, v1 = vectors + d, v2 = vectors + 2 * d, v3 = vectors + 3 * d;
        float* p0 = products, p1 = products + padded, p2 = products + 2 * padded, p3 = products + 3 * padded;
        int j = 0;
        for (; j + 64 <= lanes; j += 64)
        {
            Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
            Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
            Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
            Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
            float* column = transposed + j;
            for (int c = 0; c < d; c++)
            {
                float* line = column + (long)c * padded;
                var k0 = Vector512.Load(line);
                var k1 = Vector512.Load(line + 16);
                var k2 = Vector512.Load(line + 32);
                var k3 = Vector512.Load(line + 48);
                var x = Vector512.Create(v0[c]);
                a00 = Vector512.FusedMultiplyAdd(x, k0, a00);
                a01 = Vector512.FusedMultiplyAdd(x, k1, a01);
                a02 = Vector512.FusedMultiplyAdd(x, k2, a02);
                a03 = Vector512.FusedMultiplyAdd(x, k3, a03);
                x = Vector512.Create(v1[c]);
                a10 = Vector512.FusedMultiplyAdd(x, k0, a10);
                a11 = Vector512.FusedMultiplyAdd(x, k1, a11);
                a12 = Vector512.FusedMultiplyAdd(x, k2, a12);
                a13 = Vector512.FusedMultiplyAdd(x, k3, a13);
                x = Vector512.Create(v2[c]);
                a20 = Vector512.FusedMultiplyAdd(x, k0, a20);
                a21 = Vector512.FusedMultiplyAdd(x, k1, a21);
                a22 = Vector512.FusedMultiplyAdd(x, k2, a22);
                a23 = Vector512.FusedMultiplyAdd(x, k3, a23);
                x = Vector512.Create(v3[c]);
                a30 = Vector512.FusedMultiplyAdd(x, k0, a30);
                a31 = Vector512.FusedMultiplyAdd(x, k1, a31);
                a32 = Vector512.FusedMultiplyAdd(x, k2, a32);
                a33 = Vector512.FusedMultiplyAdd(x, k3, a33);
            }
            Store4(a00 * scaleV, a01 * scaleV, a02 * scaleV, a03 * scaleV, p0 + j);
            Store4(a10 * scaleV, a11 * scaleV, a12 * scaleV, a13 * scaleV, p1 + j);
            Store4(a20 * scaleV, a21 * scaleV, a22 * scaleV, a23 * scaleV, p2 + j);
            Store4(a30 * scaleV, a31 * scaleV, a32 * scaleV, a33 * scaleV, p3 + j);
        }
        for (; j < lanes; j += 16)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            float* column = transposed + j;
            for (int c = 0; c < d; c++)
            {
                var k = Vector512.Load(column + (long)c * padded);
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(v0[c]), k, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Create(v1[c]), k, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Create(v2[c]), k, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Create(v3[c]), k, a3);
            }
            Vector512.Store(a0 * scaleV, p0 + j);
            Vector512.Store(a1 * scaleV, p1 + j);
            Vector512.Store(a2 * scaleV, p2 + j);
            Vector512.Store(a3 * scaleV, p3 + j);
        }
    }

    // Sets lanes n … lanes−1 of the row to −∞ and returns the largest of its first n.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float MaskedMax(float* row, int n, int lanes)
    {
        for (int j = n; j < lanes; j++) row[j] = float.NegativeInfinity;
        var max = Vector512.Create(float.NegativeInfinity);
        for (int j = 0; j < lanes; j += 16) max = Vector512.Max(max, Vector512.Load(row + j));
        float result = float.NegativeInfinity;
        for (int k = 0; k < 16; k++) result = MathF.Max(result, max.GetElement(k));
        return result;
    }

    // row[j] ← exp(row[j] − shift) for j < n and 0 for n … lanes−1; returns their sum.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Exponentiate(float* row, int n, int lanes, float shift)
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

    // output_r = factors[r] · Σ_{j<n} weights[r][j] · rows[j] for the four queries (weight rows padded apart, rows and
    // outputs d apart). Up to four vectors of the head width at a time, each loaded row vector feeding four queries.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightedSums(float* weights, int padded, float* rows, int n, int d, float* factors, float* output)
    {
        float* w0 = weights, w1 = weights + padded, w2 = weights + 2 * padded, w3 = weights + 3 * padded;
        int c = 0;
        for (; c + 64 <= d; c += 64)
        {
            Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
            Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
            Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
            Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
            for (int j = 0; j < n; j++)
            {
                float* line = rows + (long)j * d + c;
                var r0 = Vector512.Load(line);
                var r1 = Vector512.Load(line + 16);
                var r2 = Vector512.Load(line + 32);
                var r3 = Vector512.Load(line + 48);
                var x = Vector512.Create(w0[j]);
                a00 = Vector512.FusedMultiplyAdd(x, r0, a00);
                a01 = Vector512.FusedMultiplyAdd(x, r1, a01);
                a02 = Vector512.FusedMultiplyAdd(x, r2, a02);
                a03 = Vector512.FusedMultiplyAdd(x, r3, a03);
                x = Vector512.Create(w1[j]);
                a10 = Vector512.FusedMultiplyAdd(x, r0, a10);
                a11 = Vector512.FusedMultiplyAdd(x, r1, a11);
                a12 = Vector512.FusedMultiplyAdd(x, r2, a12);
                a13 = Vector512.FusedMultiplyAdd(x, r3, a13);
                x = Vector512.Create(w2[j]);
                a20 = Vector512.FusedMultiplyAdd(x, r0, a20);
                a21 = Vector512.FusedMultiplyAdd(x, r1, a21);
                a22 = Vector512.FusedMultiplyAdd(x, r2, a22);
                a23 = Vector512.FusedMultiplyAdd(x, r3, a23);
                x = Vector512.Create(w3[j]);
                a30 = Vector512.FusedMultiplyAdd(x, r0, a30);
                a31 = Vector512.FusedMultiplyAdd(x, r1, a31);
                a32 = Vector512.FusedMultiplyAdd(x, r2, a32);
                a33 = Vector512.FusedMultiplyAdd(x, r3, a33);
            }
            var f = Vector512.Create(factors[0]);
            Store4(a00 * f, a01 * f, a02 * f, a03 * f, output + c);
            f = Vector512.Create(factors[1]);
            Store4(a10 * f, a11 * f, a12 * f, a13 * f, output + d + c);
            f = Vector512.Create(factors[2]);
            Store4(a20 * f, a21 * f, a22 * f, a23 * f, output + 2 * d + c);
            f = Vector512.Create(factors[3]);
            Store4(a30 * f, a31 * f, a32 * f, a33 * f, output + 3 * d + c);
        }
        for (; c + 16 <= d; c += 16)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (int j = 0; j < n; j++)
            {
                var r = Vector512.Load(rows + (long)j * d + c);
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(w0[j]), r, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Create(w1[j]), r, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Create(w2[j]), r, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Create(w3[j]), r, a3);
            }
            Vector512.Store(a0 * Vector512.Create(factors[0]), output + c);
            Vector512.Store(a1 * Vector512.Create(factors[1]), output + d + c);
            Vector512.Store(a2 * Vector512.Create(factors[2]), output + 2 * d + c);
            Vector512.Store(a3 * Vector512.Create(factors[3]), output + 3 * d + c);
        }
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Dot(float* a, float* b, int d)
    {
        var sum = Vector512<float>.Zero;
        int c = 0;
        for (; c + 16 <= d; c += 16) sum = Vector512.FusedMultiplyAdd(Vector512.Load(a + c), Vector512.Load(b + c), sum);
        float total = Vector512.Sum(sum);
        for (; c < d; c++) total += a[c] * b[c];
        return total;
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
