using System.Buffers;
using System.Runtime.Intrinsics;

namespace R1Sharp.Models;

/// <summary>
/// The work of <see cref="DecodeAttention"/>, one chunk per (row, key/value head): that head's key and value go into the
/// cache, then each of its query heads attends over the row's cached positions. Layouts are the contiguous ones of the
/// callers: queries [B, heads, D], keys and values [B, kvHeads, D], rotary tables [B, D], the mask [B, group, L] of bools
/// (every query head of a row sees the same keys, so the first of its group rows is read), the cache's storage
/// [rows, kvHeads, capacity, D] and the output [B, heads, D].
/// </summary>
internal sealed unsafe class DecodeAttentionJob(
    DecodeAttentionShape shape, byte* queries, byte* keys, byte* values, byte* cos, byte* sin, byte* mask, long maskRowStride,
    byte* keyStore, byte* valueStore, byte* output) : IChunkedWork
{
    private int _next;

    /// <summary>Chunks in the job: one per row and key/value head.</summary>
    public int Chunks => shape.Batch * shape.KvHeads;

    /// <inheritdoc />
    public void RunChunks()
    {
        int chunk;
        while ((chunk = Interlocked.Increment(ref _next) - 1) < Chunks)
        {
            if (shape.Bf16) Run<Bf16Row>(chunk / shape.KvHeads, chunk % shape.KvHeads);
            else Run<Fp32Row>(chunk / shape.KvHeads, chunk % shape.KvHeads);
        }
    }

    private void Run<T>(int row, int kvHead)
        where T : struct, IWeightRow
    {
        int d = shape.HeadDim, size = T.Size, length = shape.Past + 1, group = shape.Heads / shape.KvHeads;
        long rowBytes = (long)d * size;
        byte* c = cos + row * rowBytes, s = sin + row * rowBytes;
        long slot = ((long)row * shape.KvHeads + kvHead) * shape.Capacity;
        byte* keyRows = keyStore + slot * rowBytes, valueRows = valueStore + slot * rowBytes;
        long source = ((long)row * shape.KvHeads + kvHead) * rowBytes;
        Rotate<T>(keys + source, c, s, keyRows + shape.Past * rowBytes);
        Buffer.MemoryCopy(values + source, valueRows + shape.Past * rowBytes, rowBytes, rowBytes);
        byte* visible = mask is null ? null : mask + row * maskRowStride;

        float[] scores = ArrayPool<float>.Shared.Rent(length);
        byte* rotated = stackalloc byte[(int)rowBytes];
        float* query = stackalloc float[d];
        float* sum = stackalloc float[d];
        float scale = 1f / MathF.Sqrt(d);
        try
        {
            fixed (float* score = scores)
            {
                for (int r = 0; r < group; r++)
                {
                    int head = kvHead * group + r;
                    Rotate<T>(queries + ((long)row * shape.Heads + head) * rowBytes, c, s, rotated);
                    for (int i = 0; i < d; i += 16) T.Load(rotated, i).Store(query + i);
                    float max = float.NegativeInfinity;
                    for (int j = 0; j < length; j++)
                    {
                        if (visible is not null && visible[j] == 0) { score[j] = float.NegativeInfinity; continue; }
                        byte* key = keyRows + j * rowBytes;
                        var dot = Vector512<float>.Zero;
                        for (int i = 0; i < d; i += 16) dot = Vector512.FusedMultiplyAdd(T.Load(key, i), Vector512.Load(query + i), dot);
                        score[j] = Vector512.Sum(dot) * scale;
                        max = MathF.Max(max, score[j]);
                    }
                    for (int i = 0; i < d; i += 16) Vector512<float>.Zero.Store(sum + i);
                    float total = 0;
                    for (int j = 0; j < length; j++)
                    {
                        if (score[j] == float.NegativeInfinity) continue;
                        float p = MathF.Exp(score[j] - max);
                        total += p;
                        var weight = Vector512.Create(p);
                        byte* value = valueRows + j * rowBytes;
                        for (int i = 0; i < d; i += 16) Vector512.FusedMultiplyAdd(T.Load(value, i), weight, Vector512.Load(sum + i)).Store(sum + i);
                    }
                    byte* target = output + ((long)row * shape.Heads + head) * rowBytes;
                    float inverse = 1f / total;
                    for (int i = 0; i < d; i++) Write(target, i, sum[i] * inverse, shape.Bf16);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
        }
    }

    // Rotate-half RoPE as RotaryEmbedding.Apply computes it in the tensors' dtype: x·cos + rotate_half(x)·sin, each
    // product and the sum rounded to the dtype (no fused multiply-add), so the cached keys equal libtorch's.
    private void Rotate<T>(byte* x, byte* c, byte* s, byte* target)
        where T : struct, IWeightRow
    {
        int d = shape.HeadDim, half = d / 2;
        bool bf16 = shape.Bf16;
        for (int i = 0; i < d; i++)
        {
            float other = i < half ? -T.At(x, i + half) : T.At(x, i - half);
            float direct = Round(T.At(x, i) * T.At(c, i), bf16);
            float turned = Round(other * T.At(s, i), bf16);
            Write(target, i, direct + turned, bf16);
        }
    }

    private static float Round(float value, bool bf16) => bf16 ? BFloat16Bits.ToFloat(BFloat16Bits.FromFloat(value)) : value;

    private static void Write(byte* target, int i, float value, bool bf16)
    {
        if (bf16) ((ushort*)target)[i] = BFloat16Bits.FromFloat(value);
        else ((float*)target)[i] = value;
    }
}
