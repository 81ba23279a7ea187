using System.Text.RegularExpressions;
using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Gguf;

/// <summary>
/// Mixture-of-experts tensors in llama.cpp's layout: the per-expert <c>mlp.experts.M.{gate,up,down}_proj.weight</c>
/// of a layer stacked into one 3-D tensor each (<c>blk.N.ffn_{gate,up,down}_exps.weight</c>, [experts, out, in]) as
/// convert_hf_to_gguf.py writes them, and the <c>expert_count</c> / <c>expert_used_count</c> /
/// <c>expert_feed_forward_length</c> keys.
/// </summary>
internal static partial class GgufExperts
{
    /// <summary>llama.cpp's qwen3moe graph makes every layer sparse and always renormalises the top-k weights.</summary>
    /// <exception cref="NotSupportedException">A layer is dense, or norm_topk_prob is false.</exception>
    public static void CheckSupported(MoeSettings moe, int layers)
    {
        for (int i = 0; i < layers; i++)
            if (!moe.IsSparse(i)) throw new NotSupportedException($"layer {i} is dense (decoder_sparse_step / mlp_only_layers): llama.cpp's qwen3moe needs every layer sparse");
        if (!moe.NormTopKProb) throw new NotSupportedException("norm_topk_prob is false: llama.cpp's qwen3moe always renormalises the top-k weights");
    }

    public static void AddMetadata(GgufFileWriter file, string arch, MoeSettings moe)
    {
        file.Add($"{arch}.expert_count", (uint)moe.NumExperts);
        file.Add($"{arch}.expert_used_count", (uint)moe.NumExpertsPerToken);
        file.Add($"{arch}.expert_feed_forward_length", (uint)moe.MoeIntermediateSize);
    }

    public static bool IsExpertWeight(string name) => ExpertWeight().IsMatch(name);

    /// <summary>On expert 0's tensor, adds the layer's stacked tensor for that projection; other experts' tensors add nothing.</summary>
    public static void AddStacked(GgufFileWriter file, IReadOnlyDictionary<string, Tensor> state, string name, GgufTensorType type, int experts)
    {
        var match = ExpertWeight().Match(name);
        if (match.Groups["expert"].Value != "0") return;
        string layer = match.Groups["layer"].Value, projection = match.Groups["proj"].Value;
        var parts = Enumerable.Range(0, experts).Select(e => state[$"model.layers.{layer}.mlp.experts.{e}.{projection}_proj.weight"]).ToArray();
        long[] shape = [experts, .. parts[0].shape];
        file.AddTensor($"blk.{layer}.ffn_{projection}_exps.weight", shape, type, () =>
        {
            using var scope = torch.NewDisposeScope();
            return GgufExporter.Bytes(torch.stack(parts.Select(p => p.detach()).ToArray()), type, null);
        });
    }

    [GeneratedRegex(@"^model\.layers\.(?<layer>\d+)\.mlp\.experts\.(?<expert>\d+)\.(?<proj>gate|up|down)_proj\.weight$")]
    private static partial Regex ExpertWeight();
}
