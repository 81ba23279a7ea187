using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;

namespace R1Sharp.Bench;

/// <summary>
/// Greedy decode tokens/s of llama.cpp (LLamaSharp 0.30) on a GGUF file: <c>batch</c> sequences prefilled, then each
/// step decodes one token of every sequence in a single llama_decode batch (its batched decoding), F32 KV cache.
/// </summary>
internal static class LlamaCppDecode
{
    /// <summary>Silences llama.cpp's loader log (hundreds of lines per load); call before the first load.</summary>
    public static void Quiet() => NativeLibraryConfig.All.WithLogCallback((_, _) => { });

    public static double TokensPerSecond(string gguf, int threads, int batch, int tokens)
    {
        const int promptLength = 32;
        var parameters = new ModelParams(gguf)
        {
            ContextSize = (uint)(batch * (promptLength + tokens + 8)),
            SeqMax = (uint)batch,
            GpuLayerCount = 0,
            Threads = threads,
            BatchThreads = threads,
            BatchSize = (uint)(batch * promptLength),
            TypeK = GGMLType.GGML_TYPE_F32,
            TypeV = GGMLType.GGML_TYPE_F32,
        };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        var llamaBatch = new LLamaBatch();
        for (int s = 0; s < batch; s++)
        {
            int[] prompt = OurDecode.Prompt(weights.Vocab.Count, s);
            for (int i = 0; i < prompt.Length; i++) llamaBatch.Add(prompt[i], i, (LLamaSeqId)s, i == prompt.Length - 1);
        }
        Check(context.NativeHandle.Decode(llamaBatch));
        var next = new int[batch];
        for (int s = 0; s < batch; s++) next[s] = ArgMax(context.NativeHandle.GetLogitsIth((s + 1) * promptLength - 1));
        var sw = Stopwatch.StartNew();
        for (int step = 0; step < tokens; step++)
        {
            llamaBatch.Clear();
            for (int s = 0; s < batch; s++) llamaBatch.Add(next[s], promptLength + step, (LLamaSeqId)s, true);
            Check(context.NativeHandle.Decode(llamaBatch));
            for (int s = 0; s < batch; s++) next[s] = ArgMax(context.NativeHandle.GetLogitsIth(s));
        }
        return batch * tokens / sw.Elapsed.TotalSeconds;
    }

    private static void Check(DecodeResult result)
    {
        if (result != DecodeResult.Ok) throw new InvalidOperationException("llama.cpp decode failed: " + result);
    }

    private static int ArgMax(Span<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
