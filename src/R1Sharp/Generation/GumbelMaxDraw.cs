using System.Runtime.Intrinsics;
using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Generation;

/// <summary>
/// One id per row of probabilities [N, V], drawn by Gumbel-max: the id with the largest p_i / E_i, where the E_i are
/// independent Exp(1) variates. That is the rule libtorch's <c>multinomial</c> uses for one sample; what differs is how
/// the exponentials are made.
/// </summary>
/// <remarks>
/// <para>
/// Why not libtorch's own draw: it makes its V exponentials on one thread with a scalar <c>log1p</c> each, 2.3 ms a row
/// over Qwen's 151,936 ids (40x the softmax before it; 37 ms of every 16-row decode step, as much as a Qwen2.5-0.5B
/// forward pass at that batch). Here each row takes one 64-bit seed from the caller's torch generator, and id i's
/// uniform is the i-th output of SplitMix64 from that seed (a counter-based stream: any id's variate is computed
/// directly), widened to 53 bits in (0, 1); E_i = -ln U_i. Sixteen ids go through at a time with 512-bit vectors
/// (which the JIT builds from narrower ones on CPUs without AVX-512: with its AVX-512 turned off the draw measured 6x
/// <c>multinomial</c>, with AVX2 off too 3.6x, against 27x with it; BENCHMARKS.md, token-draw).
/// </para>
/// <para>
/// Why Gumbel-max and not an inverse-CDF draw (one uniform per row against the running sum), which would be cheaper
/// still: the running sum carries every earlier probability's rounding, so the same row computed alone and in a
/// larger batch (whose matrix products round differently) can land on different ids. With a nearly flat distribution
/// over 151,936 ids that flipped enough tokens for one and two data-parallel ranks to train apart (docs/distributed.md).
/// Gumbel-max changes its pick only when the two largest p_i / E_i are within rounding of each other.
/// </para>
/// <para>
/// A seed still fixes every draw, and a row's draw depends only on its own probabilities and the seed taken for it, so
/// a group's rows on their own generator draw the same whatever else is in the batch (<see cref="GroupGenerators"/>).
/// The tokens differ from those <c>multinomial</c> drew for the same seed. Tensors that are not float32 on the CPU
/// (a CUDA device's) go to <c>multinomial</c>, which is fast there.
/// </para>
/// </remarks>
public static unsafe class GumbelMaxDraw
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;
    private const ulong Mix1 = 0xBF58476D1CE4E5B9UL;
    private const ulong Mix2 = 0x94D049BB133111EBUL;
    private const int Lanes = 16;
    private const double BoundMargin = 1.000001;

    /// <summary>
    /// One id per row of <paramref name="probabilities"/> [N, V] (non-negative, finite, not all zero in a row; they need
    /// not sum to one), int64 [N], drawn with probability proportional to each entry. Seeds come from
    /// <paramref name="generator"/> (libtorch's default generator when null).
    /// </summary>
    /// <exception cref="ArgumentException">A row holds a negative, infinite or NaN entry, or no positive one.</exception>
    public static Tensor Draw(Tensor probabilities, Generator? generator)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        if (probabilities.dim() != 2)
            throw new ArgumentException($"probabilities must be [rows, vocabulary]; got [{string.Join(", ", probabilities.shape)}].", nameof(probabilities));
        if (probabilities.device_type != DeviceType.CPU || probabilities.dtype != ScalarType.Float32)
            return torch.multinomial(probabilities, 1, replacement: false, generator: generator).squeeze(-1);

        long rows = probabilities.shape[0];
        int vocabulary = checked((int)probabilities.shape[1]);
        using var dense = probabilities.contiguous();
        using var seeds = torch.randint(0, long.MaxValue, [rows], ScalarType.Int64, torch.CPU, generator: generator);
        var ids = new long[rows];
        float* p = (float*)NativeTensorData.Pointer(dense);
        long* s = (long*)NativeTensorData.Pointer(seeds);
        for (long r = 0; r < rows; r++)
        {
            int id = DrawRow(p + r * vocabulary, vocabulary, (ulong)s[r]);
            if (id < 0) throw new ArgumentException(InvalidRowMessage(r, id), nameof(probabilities));
            ids[r] = id;
        }
        return torch.tensor(ids, ScalarType.Int64);
    }

    /// <summary>
    /// The i-th uniform of a row's stream, in (0, 1): SplitMix64's i-th output from <paramref name="seed"/>, its top 53
    /// bits, centred in its interval. Scalar twin of the vector loop's, for tests.
    /// </summary>
    internal static double Uniform(ulong seed, long i)
    {
        ulong z = seed + ((ulong)i + 1) * Gamma;
        z = (z ^ (z >> 30)) * Mix1;
        z = (z ^ (z >> 27)) * Mix2;
        z ^= z >> 31;
        return ((z >> 11) + 0.5) * (1.0 / (1UL << 53));
    }

    /// <summary>
    /// The drawn id of one row, or -1 when the row has no positive entry, -2 when it holds a negative, infinite or NaN
    /// one. Ties (equal p / E) go to the lower id.
    /// </summary>
    internal static int DrawRow(float* row, int vocabulary, ulong seed)
    {
        var bestKey = Vector512<double>.Zero;
        var bestId = Vector512<ulong>.Zero;
        var valid = Vector512<double>.AllBitsSet;
        var offsets = Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
        var seedVector = Vector512.Create(seed);
        int i = 0;
        for (; i + Lanes <= vocabulary; i += Lanes)
            Step(Vector512.Load(row + i), (ulong)i, seedVector, offsets, ref bestKey, ref bestId, ref valid);
        if (i < vocabulary)
        {
            // The tail through the same vector code (so through the same logarithm), zeros past the end.
            float* tail = stackalloc float[Lanes];
            for (int j = 0; j < Lanes; j++) tail[j] = i + j < vocabulary ? row[i + j] : 0f;
            Step(Vector512.Load(tail), (ulong)i, seedVector, offsets, ref bestKey, ref bestId, ref valid);
        }
        if (valid.AsUInt64() != Vector512<ulong>.AllBitsSet) return -2;

        double key = 0;
        ulong id = ulong.MaxValue;
        for (int lane = 0; lane < 8; lane++)
        {
            double k = bestKey[lane];
            if (k > key || (k == key && k > 0 && bestId[lane] < id)) (key, id) = (k, bestId[lane]);
        }
        return key > 0 ? (int)id : -1;
    }

    private static void Step(Vector512<float> p, ulong first, Vector512<ulong> seed, Vector512<ulong> offsets,
        ref Vector512<double> bestKey, ref Vector512<ulong> bestId, ref Vector512<double> valid)
    {
        var (low, high) = Vector512.Widen(p);
        var ids = Vector512.Create(first) + offsets;
        Keep(low, ids, seed, ref bestKey, ref bestId, ref valid);
        Keep(high, ids + Vector512.Create(8UL), seed, ref bestKey, ref bestId, ref valid);
    }

    private static void Keep(Vector512<double> p, Vector512<ulong> ids, Vector512<ulong> seed,
        ref Vector512<double> bestKey, ref Vector512<ulong> bestId, ref Vector512<double> valid)
    {
        var z = seed + (ids + Vector512<ulong>.One) * Vector512.Create(Gamma);
        z = (z ^ Vector512.ShiftRightLogical(z, 30)) * Vector512.Create(Mix1);
        z = (z ^ Vector512.ShiftRightLogical(z, 27)) * Vector512.Create(Mix2);
        z ^= Vector512.ShiftRightLogical(z, 31);
        var u = (Vector512.ConvertToDouble(Vector512.ShiftRightLogical(z, 11)) + Vector512.Create(0.5)) * Vector512.Create(1.0 / (1UL << 53));
        valid &= Vector512.GreaterThanOrEqual(p, Vector512<double>.Zero) & Vector512.LessThanOrEqual(p, Vector512.Create(double.MaxValue));
        // -ln u >= 1 - u, so p / (1 - u) bounds the key from above: when no lane's bound (made a little larger against
        // rounding) beats that lane's best, the logarithm is skipped. After the first few hundred ids that is nearly
        // every time, since the best key only grows.
        var mayBeat = Vector512.GreaterThan(p * Vector512.Create(BoundMargin), bestKey * (Vector512<double>.One - u));
        if (mayBeat.AsUInt64() == Vector512<ulong>.Zero) return;
        var key = p / -Vector512.Log(u);
        var better = Vector512.GreaterThan(key, bestKey);
        bestKey = Vector512.ConditionalSelect(better, key, bestKey);
        bestId = Vector512.ConditionalSelect(better.AsUInt64(), ids, bestId);
    }

    private static string InvalidRowMessage(long row, int code) => code == -2
        ? $"row {row} of the sampling probabilities holds a negative, infinite or NaN entry (are the logits finite?)."
        : $"row {row} of the sampling probabilities has no positive entry.";
}
