using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// One decode step of grouped-query attention (one new token per sequence) in one pass over raw memory: rotate the
/// step's queries and keys (RoPE, rotate-half), write its keys and values into the <see cref="KvCache"/>, then score
/// each query head against every cached key, softmax in fp32 and sum the values. It replaces about thirty small
/// libtorch calls per layer (views, the rotary's narrow/cat/mul/add, the cache copies, scaled_dot_product_attention
/// and the merge of heads), whose fixed cost per call, not their arithmetic, was most of a batch-1 decode step outside
/// the projections (issue 18: 8 of 50 ms per token at Qwen2.5-0.5B's shape). The rotary repeats libtorch's rounding
/// (each product and the sum rounded to the dtype), so the cache holds the same keys; scores and the softmax are fp32
/// sums in another order than libtorch's, equal to float tolerance. Taken only where <see cref="SmallBatchLinear"/>
/// takes the layer's projections (decoding, CPU, fp32 or bf16, no autograd), and for head widths a multiple of 16.
/// </summary>
internal static unsafe class DecodeAttention
{
    /// <summary>
    /// Whether this step of a layer whose query projection is <paramref name="queryWeight"/> runs here: one new token
    /// per row, a cache in the weights' dtype, and a product <see cref="SmallBatchLinear"/> takes.
    /// </summary>
    public static bool Takes(Tensor input, Tensor queryWeight, KvCache? cache, int headDim) =>
        cache is not null && input.dim() == 3 && input.shape[1] == 1 && headDim % 16 == 0
        && cache.Dtype == queryWeight.dtype && SmallBatchLinear.Takes(input, queryWeight, null);

    /// <summary>
    /// Queries [B, 1, heads × D], keys and values [B, 1, kvHeads × D] (contiguous, the projections' outputs) → the
    /// attended heads [B, 1, heads × D], merged as o_proj takes them; writes the step's keys and values into
    /// <paramref name="cache"/> at its current length.
    /// </summary>
    public static Tensor Forward(Tensor queries, Tensor keys, Tensor values, AttentionInputs inputs, KvCache cache, int layer, int heads, int kvHeads, int headDim)
    {
        long batch = queries.shape[0];
        cache.CheckStep(batch, 1);
        var dtype = queries.dtype;
        var (keyStore, valueStore) = cache.Storage(layer);
        if (cache.Dtype != dtype || inputs.Cos.dtype != dtype || inputs.Cos.shape[^1] != headDim)
            throw new ArgumentException($"decode attention needs the cache and the rotary tables in {dtype} with width {headDim}");
        using var cos = inputs.Cos.contiguous();
        using var sin = inputs.Sin.contiguous();
        using var q = queries.contiguous();
        using var k = keys.contiguous();
        using var v = values.contiguous();
        using var mask = inputs.Mask?.contiguous();
        var output = torch.empty([batch, 1, heads * headDim], dtype, queries.device);
        var job = new DecodeAttentionJob(new DecodeAttentionShape(
            (int)batch, heads, kvHeads, headDim, cache.Length, cache.Capacity, dtype == ScalarType.BFloat16),
            (byte*)NativeTensorData.Pointer(q), (byte*)NativeTensorData.Pointer(k), (byte*)NativeTensorData.Pointer(v),
            (byte*)NativeTensorData.Pointer(cos), (byte*)NativeTensorData.Pointer(sin),
            mask is null ? null : (byte*)NativeTensorData.Pointer(mask), mask is null ? 0 : mask.shape[^2] * mask.shape[^1],
            (byte*)NativeTensorData.Pointer(keyStore), (byte*)NativeTensorData.Pointer(valueStore), (byte*)NativeTensorData.Pointer(output));
        // Short contexts are a few microseconds of work: not worth waking a helper.
        long work = batch * heads * (cache.Length + 1L) * headDim;
        int threads = Math.Max(1, torch.get_num_threads());
        SmallBatchWorkers.Run(job, work < (1 << 18) ? 0 : Math.Min(threads, job.Chunks) - 1);
        return output;
    }
}
