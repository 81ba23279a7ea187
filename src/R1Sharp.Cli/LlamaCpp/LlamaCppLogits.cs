using LLama;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;

namespace R1Sharp.Cli.LlamaCpp;

/// <summary>
/// The bundled llama.cpp (LLamaSharp's CPU backend) as a reference: loads a GGUF file and returns its logits for
/// every position of a prompt, with an fp32 KV cache and no flash attention so that only the weights' rounding and
/// the kernels' summation order differ from ours.
/// </summary>
internal static class LlamaCppLogits
{
    /// <summary>Logits [tokens][vocab] of <paramref name="ids"/> decoded as one batch from position 0.</summary>
    /// <exception cref="InvalidDataException">llama.cpp cannot load the file or decode the prompt.</exception>
    public static float[][] Compute(string ggufPath, IReadOnlyList<int> ids)
    {
        var parameters = new ModelParams(ggufPath)
        {
            ContextSize = (uint)Math.Max(64, ids.Count),
            GpuLayerCount = 0,
            Threads = Math.Max(1, Environment.ProcessorCount),
            BatchSize = (uint)Math.Max(64, ids.Count),
            TypeK = GGMLType.GGML_TYPE_F32,
            TypeV = GGMLType.GGML_TYPE_F32,
            FlashAttention = false,
        };
        LLamaWeights weights;
        try
        {
            weights = LLamaWeights.LoadFromFile(parameters);
        }
        catch (Exception e) when (e is LoadWeightsFailedException or RuntimeError)
        {
            throw new InvalidDataException($"{ggufPath}: llama.cpp could not load the file ({e.Message})", e);
        }
        using (weights)
        using (var context = weights.CreateContext(parameters))
        {
            var batch = new LLamaBatch();
            for (int i = 0; i < ids.Count; i++) batch.Add(ids[i], i, LLamaSeqId.Zero, true);
            var result = context.NativeHandle.Decode(batch);
            if (result != DecodeResult.Ok) throw new InvalidDataException($"{ggufPath}: llama.cpp could not decode the prompt ({result})");
            var rows = new float[ids.Count][];
            for (int i = 0; i < ids.Count; i++) rows[i] = context.NativeHandle.GetLogitsIth(i).ToArray();
            return rows;
        }
    }
}
