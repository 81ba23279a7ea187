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
        var config = new Option<FileInfo>("--config") { Description = "A Hugging Face config.json (qwen2, qwen3, qwen3_moe or llama) whose architecture to copy.", Required = true };
        var output = new Option<DirectoryInfo>("--output", "--out") { Description = "Checkpoint directory to write (replaced as a whole if it exists).", Required = true };
        var layers = new Option<int?>("--layers") { Description = "num_hidden_layers (default: the config's)." };
        var hidden = new Option<int?>("--hidden") { Description = "hidden_size (default: the config's; the MLP keeps its width ratio)." };
        var heads = new Option<int?>("--heads") { Description = "num_attention_heads (default: the config's)." };
        var kvHeads = new Option<int?>("--kv-heads") { Description = "num_key_value_heads (default: the config's when it divides --heads)." };
        var intermediate = new Option<int?>("--intermediate") { Description = "intermediate_size (default: scaled with --hidden)." };
        var headDim = new Option<int?>("--head-dim") { Description = "head_dim (default: the config's for qwen3, whose attention width is heads x head_dim; hidden / heads otherwise when the shape changes)." };
        var experts = new Option<int?>("--num-experts") { Description = "num_experts (MoE configs only)." };
        var expertsPerToken = new Option<int?>("--num-experts-per-tok") { Description = "num_experts_per_tok (MoE configs only; default: the config's, at most --num-experts)." };
        var moeIntermediate = new Option<int?>("--moe-intermediate-size") { Description = "moe_intermediate_size, each expert's MLP width (MoE configs only)." };
        var vocab = new Option<int?>("--vocab") { Description = "vocab_size (default: the config's; keep it >= the tokenizer's size to use the tokenizer)." };
        var dtype = new Option<string>("--dtype") { Description = "Stored dtype: f32 or bf16.", DefaultValueFactory = _ => "f32" };
        var seed = new Option<long>("--seed") { Description = "Random seed of the weights.", DefaultValueFactory = _ => 0 };

        var command = new Command("new-model", "Write a random-weight Hugging Face checkpoint with the shape of a real config.json.")
        {
            config, output, layers, hidden, heads, kvHeads, headDim, intermediate, experts, expertsPerToken, moeIntermediate, vocab, dtype, seed,
        };
        command.SetGuardedAction(parse =>
        {
            var configFile = parse.GetValue(config)!;
            var outDir = parse.GetValue(output)!;
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            string dtypeName = parse.GetValue(dtype)!;
            DeviceSelection.ParseDtype(dtypeName); // a bad --dtype is refused before anything is read or written
            var real = ModelConfig.Load(configFile.FullName);
            var shaped = real.Scaled(parse.GetValue(layers), parse.GetValue(hidden), parse.GetValue(heads), parse.GetValue(kvHeads), parse.GetValue(intermediate), parse.GetValue(vocab),
                parse.GetValue(headDim), parse.GetValue(experts), parse.GetValue(expertsPerToken), parse.GetValue(moeIntermediate));
            string sourceDir = configFile.DirectoryName ?? ".";
            string generationPath = Path.Combine(sourceDir, "generation_config.json");
            var generation = File.Exists(generationPath) ? GenerationConfig.Load(generationPath) : GenerationConfig.FromModelConfig(shaped);
            var (parameters, copied) = RandomCheckpoint.Write(shaped, outDir.FullName, dtypeName, parse.GetValue(seed), generation, sourceDir);
            stdout.WriteLine($"wrote {outDir.FullName}: {shaped.ModelType}, {shaped.NumHiddenLayers} layers, hidden {shaped.HiddenSize}, " +
                $"{shaped.NumAttentionHeads}/{shaped.NumKeyValueHeads} heads of {shaped.HeadDim}, {(shaped.Moe is { } moe ? $"{moe.NumExperts} experts (top {moe.NumExpertsPerToken}), " : "")}vocab {shaped.VocabSize}, {parameters:N0} parameters, {dtypeName}; {copied} tokenizer file(s) copied");
            return 0;
        });
        return command;
    }
}
