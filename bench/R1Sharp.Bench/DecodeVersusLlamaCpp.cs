using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using R1Sharp.Gguf;
using R1Sharp.Models;
using R1Sharp.Text.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Bench;

/// <summary>
/// Greedy decode tokens/s of R1Sharp's generator against llama.cpp (through LLamaSharp) on the same random weights of
/// a real config's shape (default Qwen2.5-0.5B), exported by <see cref="GgufExporter"/>, same thread count: at batch 1
/// and batch 16 (16 sequences in one llama.cpp batch, as its batched decoding does), in fp32 and bf16 (GGUF F32 /
/// BF16). Ours runs twice: on libtorch's kernels and with the small-batch kernel (<see cref="SmallBatchLinear"/>)
/// for every projection; "ours" is whichever the default mode picks for that dtype and batch. The batch-1 peer is also the memory-bandwidth bound measured in the same run: every weight byte read once
/// per token at the rate of a streaming read on the same threads. A decode step only reads its weights, so a read-only
/// stream is its bound; a copy's rate (bytes read + bytes written) is printed and recorded beside it, since on this
/// machine it is higher than any read-only stream reaches (until 2026-12-04 the bound took the better of the two).
/// Usage: decode-vs-llamacpp [config.json] [threads (2)] [decode tokens (32)] [--dtypes f32,bf16] [--json FILE].
/// </summary>
internal static class DecodeVersusLlamaCpp
{
    private const int Batch = 16;

    public static Task<int> RunAsync(string[] args)
    {
        string? json = Option(ref args, "--json");
        string dtypes = Option(ref args, "--dtypes") ?? "f32,bf16";
        string data = GenerationThroughput.SharedDataDir();
        string config = args.Length > 0 && args[0].Length > 0 ? args[0] : Path.Combine(data, "hf", "Qwen2.5-0.5B-Instruct", "config.json");
        int threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
        int tokens = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 32;
        torch.set_num_threads(threads);
        LlamaCppDecode.Quiet();
        var modelConfig = ModelConfig.Load(config);
        var tokenizer = HuggingFaceTokenizer.Load(Path.Combine(data, "hf", "Qwen2.5-7B-Instruct"));
        Console.WriteLine($"config {config}; {threads} threads; {tokens} decode tokens after a 32-token prompt; load average {Load()}");
        double copy = MemoryBandwidth.MeasureGBps(), read = MemoryBandwidth.MeasureReadGBps(threads);
        Console.WriteLine($"memory bandwidth: streaming read {read:F1} GB/s (the bound), copy {copy:F1} GB/s (read + written)");
        var result = new JsonObject { ["memory_read_gbps"] = read, ["memory_copy_gbps"] = copy };
        foreach (string dtype in dtypes.Split(','))
        {
            var (scalar, gguf) = dtype switch
            {
                "f32" => (ScalarType.Float32, GgufTensorType.F32),
                "bf16" => (ScalarType.BFloat16, GgufTensorType.BF16),
                _ => throw new ArgumentException($"--dtypes: '{dtype}' is not f32 or bf16"),
            };
            var (figures, weightBytes) = Measure(modelConfig, tokenizer, scalar, gguf, threads, tokens);
            result[dtype == "f32" ? "fp32" : "bf16"] = figures;
            double bound = read * 1e9 / weightBytes, copyBound = copy * 1e9 / weightBytes;
            if (dtype == "f32") result["bandwidth_bound_batch1_fp32"] = bound;
            double ours1 = figures["batch1"]!["ours"]!.GetValue<double>();
            Console.WriteLine($"{dtype}: batch-1 bandwidth bound {bound:F2} tokens/s ({weightBytes / 1e9:F2} GB of weights); ours is {bound / ours1:F2}x below it ({copyBound / ours1:F2}x below the copy rate's {copyBound:F2})");
        }
        Console.WriteLine($"load average at the end {Load()}");
        if (json is not null) File.WriteAllText(json, result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return Task.FromResult(0);
    }

    private static (JsonObject Figures, double WeightBytes) Measure(
        ModelConfig config, HuggingFaceTokenizer tokenizer, ScalarType scalar, GgufTensorType type, int threads, int tokens)
    {
        string gguf = Path.Combine(Path.GetTempPath(), $"r1sharp-bench-{Environment.ProcessId}.gguf");
        try
        {
            var figures = new JsonObject();
            double weightBytes;
            var ours = new Dictionary<int, (double Kernel, double Libtorch)>();
            using (var model = CausalLanguageModel.Create(config, torch.CPU, scalar, seed: 1))
            {
                model.eval();
                weightBytes = model.ParameterCount * (scalar == ScalarType.Float32 ? 4.0 : 2.0);
                GgufExporter.Export(model, tokenizer, gguf, new GgufExportOptions { Type = type });
                Console.WriteLine($"{type}: {model.ParameterCount / 1e6:F0}M parameters; GGUF {new FileInfo(gguf).Length / 1e9:F2} GB");
                foreach (int batch in new[] { 1, Batch })
                {
                    var saved = SmallBatchLinear.Mode;
                    SmallBatchLinear.Mode = SmallBatchLinearMode.Off;
                    double libtorch = OurDecode.TokensPerSecond(model, batch, tokens);
                    SmallBatchLinear.Mode = SmallBatchLinearMode.Always;
                    double kernel = OurDecode.TokensPerSecond(model, batch, tokens);
                    SmallBatchLinear.Mode = saved;
                    ours[batch] = (kernel, libtorch);
                }
            }
            foreach (int batch in new[] { 1, Batch })
            {
                double theirs = LlamaCppDecode.TokensPerSecond(gguf, threads, batch, tokens);
                var (kernel, libtorch) = ours[batch];
                // "ours" is what the default mode runs: the kernel where it measured faster (every product of a decode
                // step at this batch has the same dtype and rows), libtorch elsewhere.
                bool usesKernel = SmallBatchLinear.Mode == SmallBatchLinearMode.Always
                    || (SmallBatchLinear.Mode == SmallBatchLinearMode.Measured && SmallBatchLinear.PrefersKernel(scalar, batch));
                double ourDefault = usesKernel ? kernel : libtorch;
                Console.WriteLine($"{type} batch {batch}: ours {ourDefault:F2} tokens/s (libtorch {libtorch:F2}, SmallBatchLinear {kernel:F2}), llama.cpp {theirs:F2}; ours/llama.cpp {ourDefault / theirs:F2}");
                figures[$"batch{batch}"] = new JsonObject { ["ours"] = ourDefault, ["llamacpp"] = theirs, ["ours_libtorch"] = libtorch, ["ours_small_batch_kernel"] = kernel };
            }
            return (figures, weightBytes);
        }
        finally
        {
            File.Delete(gguf);
        }
    }

    private static string Load() => File.ReadAllText("/proc/loadavg").Trim();

    private static string? Option(ref string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        if (i < 0 || i + 1 >= args.Length) return null;
        string value = args[i + 1];
        args = [.. args[..i], .. args[(i + 2)..]];
        return value;
    }
}
