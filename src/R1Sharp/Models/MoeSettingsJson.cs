using System.Text.Json.Nodes;

namespace R1Sharp.Models;

/// <summary>Reads and writes the <see cref="MoeSettings"/> keys of config.json, validating each by name.</summary>
internal static class MoeSettingsJson
{
    public static readonly string[] Keys =
    [
        "num_experts", "num_experts_per_tok", "moe_intermediate_size", "norm_topk_prob", "decoder_sparse_step",
        "mlp_only_layers", "router_aux_loss_coef",
    ];

    public static MoeSettings Read(JsonFields f, int layers)
    {
        long experts = f.RequiredPositiveInt("num_experts");
        long perToken = f.RequiredPositiveInt("num_experts_per_tok");
        if (perToken > experts) throw f.Error("num_experts_per_tok", $"is {perToken} but there are only {experts} experts (num_experts)");
        long width = f.RequiredPositiveInt("moe_intermediate_size");
        long step = f.Int("decoder_sparse_step") ?? 1;
        if (step <= 0) throw f.Error("decoder_sparse_step", $"must be positive (found {step})");
        double coefficient = f.Double("router_aux_loss_coef") ?? 0.001;
        if (coefficient < 0) throw f.Error("router_aux_loss_coef", $"must not be negative (found {coefficient})");
        var dense = new List<int>();
        if (f.Root.TryGetPropertyValue("mlp_only_layers", out var node) && node is not null)
        {
            if (node is not JsonArray items) throw f.Error("mlp_only_layers", "must be a list of layer indices");
            foreach (var item in items)
            {
                if (item is not JsonValue v || !v.TryGetValue(out long layer) || layer < 0 || layer >= layers)
                    throw f.Error("mlp_only_layers", $"holds '{item?.ToJsonString()}', not a layer index in [0, {layers})");
                dense.Add((int)layer);
            }
        }
        if (experts > int.MaxValue || width > int.MaxValue || step > int.MaxValue) throw f.Error("num_experts", "is out of range");
        return new MoeSettings((int)experts, (int)perToken, (int)width, f.Bool("norm_topk_prob") ?? false, (int)step, dense, coefficient);
    }

    public static void Write(MoeSettings m, JsonObject o)
    {
        o["num_experts"] = m.NumExperts;
        o["num_experts_per_tok"] = m.NumExpertsPerToken;
        o["moe_intermediate_size"] = m.MoeIntermediateSize;
        o["norm_topk_prob"] = m.NormTopKProb;
        o["decoder_sparse_step"] = m.DecoderSparseStep;
        o["mlp_only_layers"] = new JsonArray(m.MlpOnlyLayers.Select(l => (JsonNode)l).ToArray());
        o["router_aux_loss_coef"] = m.RouterAuxLossCoef;
    }
}
