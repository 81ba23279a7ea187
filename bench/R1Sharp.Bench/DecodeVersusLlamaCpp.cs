using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;
using R1Sharp.Generation;
using R1Sharp.Gguf;
using R1Sharp.Models;
using R1Sharp.Text.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Bench;

/// <summary>
/// Batch-1 greedy decode tokens/s of R1Sharp's generator against llama.cpp (through LLamaSharp) on the same random
/// weights of a real config's shape (default Qwen2.5-0.5B), exported by <see cref="GgufExporter"/> in f32, same thread
/// count, one run each. The tokenizer is the real Qwen2.5 one (only its metadata matters here).
/// Usage: decode-vs-llamacpp [config.json] [threads] [decode tokens].
/// </summary>
internal static class DecodeVersusLlamaCpp
{
    public static Task<int> RunAsync(string[] args)
    {
        string data = GenerationThroughput.SharedDataDir();
        string config = args.Length > 0 ? args[0] : Path.Combine(data, "hf", "Qwen2.5-0.5B-Instruct", "config.json");
        int threads = args.Length > 1 ? int.Parse(args[1]) : 2;
        int tokens = args.Length > 2 ? int.Parse(args[2]) : 32;
        torch.set_num_threads(threads);
        var modelConfig = ModelConfig.Load(config);
        var tokenizer = HuggingFaceTokenizer.Load(Path.Combine(data, "hf", "Qwen2.5-7B-Instruct"));
        string gguf = Path.Combine(Path.GetTempPath(), $"r1sharp-bench-{Environment.ProcessId}.gguf");
        Console.WriteLine($"config {config}; {threads} threads; {tokens} decode tokens after a 32-token prompt; load average {File.ReadAllText("/proc/loadavg").Trim()}");
        try
        {
            double ours;
            using (var model = CausalLanguageModel.Create(modelConfig, torch.CPU, ScalarType.Float32, seed: 1))
            {
                model.eval();
                Console.WriteLine($"model: {model.ParameterCount / 1e6:F0}M parameters, f32");
                var export = Stopwatch.StartNew();
                GgufExporter.Export(model, tokenizer, gguf);
                Console.WriteLine($"GGUF export: {export.Elapsed.TotalSeconds:F1} s, {new FileInfo(gguf).Length / 1e9:F2} GB");
                ours = OursTokensPerSecond(model, tokens);
            }
            double theirs = LlamaCppTokensPerSecond(gguf, threads, tokens);
            Console.WriteLine($"R1Sharp BatchedGenerator: {ours:F2} tokens/s");
            Console.WriteLine($"llama.cpp (LLamaSharp 0.30.0): {theirs:F2} tokens/s");
            Console.WriteLine($"ratio ours/llama.cpp: {ours / theirs:F2}");
        }
        finally
        {
            File.Delete(gguf);
        }
        return Task.FromResult(0);
    }

    private static int[] Prompt(int vocab) => Enumerable.Range(0, 32).Select(i => (i * 7919 + 13) % vocab).ToArray();

    // Decode-phase tokens/s: a run with 1 + n new tokens minus a run with 1 (prefill and first token), as model-generation does.
    private static double OursTokensPerSecond(CausalLanguageModel model, int tokens)
    {
        var generator = new BatchedGenerator(model);
        IReadOnlyList<IReadOnlyList<int>> prompts = [Prompt(model.Config.VocabSize)];
        var options = new SamplingOptions { Temperature = 0 };
        generator.Generate(prompts, options with { MaxNewTokens = 2 });
        var sw = Stopwatch.StartNew();
        generator.Generate(prompts, options with { MaxNewTokens = 1 });
        double first = sw.Elapsed.TotalSeconds;
        sw.Restart();
        generator.Generate(prompts, options with { MaxNewTokens = 1 + tokens });
        return tokens / (sw.Elapsed.TotalSeconds - first);
    }

    private static double LlamaCppTokensPerSecond(string gguf, int threads, int tokens)
    {
        var parameters = new ModelParams(gguf)
        {
            ContextSize = 128,
            GpuLayerCount = 0,
            Threads = threads,
            BatchThreads = threads,
            BatchSize = 64,
            TypeK = GGMLType.GGML_TYPE_F32,
            TypeV = GGMLType.GGML_TYPE_F32,
        };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        int[] prompt = Prompt(weights.Vocab.Count);
        var batch = new LLamaBatch();
        for (int i = 0; i < prompt.Length; i++) batch.Add(prompt[i], i, LLamaSeqId.Zero, i == prompt.Length - 1);
        Check(context.NativeHandle.Decode(batch));
        int next = ArgMax(context.NativeHandle.GetLogitsIth(batch.TokenCount - 1));
        var sw = Stopwatch.StartNew();
        for (int step = 0; step < tokens; step++)
        {
            batch.Clear();
            batch.Add(next, prompt.Length + step, LLamaSeqId.Zero, true);
            Check(context.NativeHandle.Decode(batch));
            next = ArgMax(context.NativeHandle.GetLogitsIth(0));
        }
        return tokens / sw.Elapsed.TotalSeconds;
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
