using R1Sharp.Cli.Errors;
using System.CommandLine;
using R1Sharp.Checkpoints;
using R1Sharp.Generation;
using R1Sharp.Models;

namespace R1Sharp.Cli.Commands;

/// <summary>
/// `r1 new-model`: writes a random-weight Hugging Face checkpoint with the shape of a real config.json (optionally
/// scaled down), with the tokenizer files found beside the config. No weights can be downloaded in many setups;
/// this gives tests, benchmarks and R1-Zero experiments a model of the real architecture.
/// </summary>
internal static class NewModelCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "A Hugging Face config.json (qwen2, qwen3, qwen3_moe, deepseek_v3 or llama) whose architecture to copy; a quantization_config is dropped (the random weights are stored unquantised).", Required = true };
        var output = new Option<DirectoryInfo>("--output", "--out") { Description = "Checkpoint directory to write (replaced as a whole if it exists).", Required = true };
        var layers = new Option<int?>("--layers") { Description = "num_hidden_layers (default: the config's)." };
        var hidden = new Option<int?>("--hidden") { Description = "hidden_size (default: the config's; the MLP keeps its width ratio)." };
        var heads = new Option<int?>("--heads") { Description = "num_attention_heads (default: the config's)." };
        var kvHeads = new Option<int?>("--kv-heads") { Description = "num_key_value_heads (default: the config's when it divides --heads)." };
        var intermediate = new Option<int?>("--intermediate") { Description = "intermediate_size (default: scaled with --hidden)." };
        var headDim = new Option<int?>("--head-dim") { Description = "head_dim (default: the config's for qwen3, whose attention width is heads x head_dim; hidden / heads otherwise when the shape changes)." };
        var experts = new Option<int?>("--num-experts", "--n-routed-experts") { Description = "num_experts (qwen3_moe) or n_routed_experts (deepseek_v3)." };
        var expertsPerToken = new Option<int?>("--num-experts-per-tok") { Description = "num_experts_per_tok (MoE configs only; default: the config's, at most --num-experts)." };
        var moeIntermediate = new Option<int?>("--moe-intermediate-size") { Description = "moe_intermediate_size, each expert's MLP width (MoE configs only)." };
        var qLoraRank = new Option<int?>("--q-lora-rank") { Description = "q_lora_rank (deepseek_v3; 0 = no query bottleneck, a plain q_proj)." };
        var kvLoraRank = new Option<int?>("--kv-lora-rank") { Description = "kv_lora_rank, the width of the cached latent (deepseek_v3)." };
        var qkNope = new Option<int?>("--qk-nope-head-dim") { Description = "qk_nope_head_dim (deepseek_v3)." };
        var qkRope = new Option<int?>("--qk-rope-head-dim") { Description = "qk_rope_head_dim, even (deepseek_v3)." };
        var vHead = new Option<int?>("--v-head-dim") { Description = "v_head_dim (deepseek_v3)." };
        var shared = new Option<int?>("--n-shared-experts") { Description = "n_shared_experts (deepseek_v3)." };
        var groups = new Option<int?>("--n-group") { Description = "n_group, dividing the routed experts (deepseek_v3; default: the config's, or the most groups of two or more when the expert count changes)." };
        var topkGroup = new Option<int?>("--topk-group") { Description = "topk_group, at most --n-group (deepseek_v3)." };
        var firstDense = new Option<int?>("--first-k-dense-replace") { Description = "first_k_dense_replace (deepseek_v3; default: the config's, at most layers - 1)." };
        var vocab = new Option<int?>("--vocab") { Description = "vocab_size (default: the config's; keep it >= the tokenizer's size to use the tokenizer)." };
        var dtype = new Option<string>("--dtype") { Description = "Stored dtype: f32 or bf16.", DefaultValueFactory = _ => "f32" };
        var seed = new Option<long>("--seed") { Description = "Random seed of the weights.", DefaultValueFactory = _ => 0 };

        var command = new Command("new-model", "Write a random-weight Hugging Face checkpoint with the shape of a real config.json.")
        {
            config, output, layers, hidden, heads, kvHeads, headDim, intermediate, experts, expertsPerToken, moeIntermediate,
            qLoraRank, kvLoraRank, qkNope, qkRope, vHead, shared, groups, topkGroup, firstDense, vocab, dtype, seed,
        };
        command.SetGuardedAction(parse =>
        {
            var configFile = parse.GetValue(config)!;
            var outDir = parse.GetValue(output)!;
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            string dtypeName = parse.GetValue(dtype)!;
            DeviceSelection.ParseDtype(dtypeName); // a bad --dtype is refused before anything is read or written
            var real = ModelConfig.LoadArchitecture(configFile.FullName);
            var shaped = real.Scaled(parse.GetValue(layers), parse.GetValue(hidden), parse.GetValue(heads), parse.GetValue(kvHeads), parse.GetValue(intermediate), parse.GetValue(vocab),
                parse.GetValue(headDim), parse.GetValue(experts), parse.GetValue(expertsPerToken), parse.GetValue(moeIntermediate))
                .WithDeepseekShape(new DeepseekScaling(parse.GetValue(qLoraRank), parse.GetValue(kvLoraRank), parse.GetValue(qkNope), parse.GetValue(qkRope), parse.GetValue(vHead),
                    parse.GetValue(shared), parse.GetValue(groups), parse.GetValue(topkGroup), parse.GetValue(firstDense)));
            string sourceDir = configFile.DirectoryName ?? ".";
            string generationPath = Path.Combine(sourceDir, "generation_config.json");
            var generation = File.Exists(generationPath) ? GenerationConfig.Load(generationPath) : GenerationConfig.FromModelConfig(shaped);
            var (parameters, copied) = RandomCheckpoint.Write(shaped, outDir.FullName, dtypeName, parse.GetValue(seed), generation, sourceDir);
            stdout.WriteLine($"wrote {outDir.FullName}: {shaped.ModelType}, {shaped.NumHiddenLayers} layers, hidden {shaped.HiddenSize}, " +
                $"{shaped.NumAttentionHeads}/{shaped.NumKeyValueHeads} heads of {shaped.LatentAttention?.QkHeadDim ?? shaped.HeadDim}, {(shaped.Moe is { } moe ? $"{moe.NumExperts} experts (top {moe.NumExpertsPerToken}), " : "")}{(shaped.DeepseekMoe is { } ds ? $"MLA latent {shaped.LatentAttention!.KvLoraRank}, {ds.NRoutedExperts} experts in {ds.NGroup} groups (top {ds.NumExpertsPerToken}) + {ds.NSharedExperts} shared, " : "")}vocab {shaped.VocabSize}, {parameters:N0} parameters, {dtypeName}; {copied} tokenizer file(s) copied");
            return 0;
        });
        return command;
    }
}
