using R1Sharp.TorchInterop;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>Builds the boolean attention mask (true = may attend) of one forward pass, once for all layers.</summary>
internal static class AttentionMasks
{
    /// <summary>
    /// Causal over slots plus padding: query slot i (= past + t) may see key slot j when j &lt;= i and j holds a
    /// token. Each query may always see itself, so padding rows never become all-false (which gives NaN in softmax);
    /// their outputs are ignored anyway. Tiled <paramref name="group"/> times along the query axis for the
    /// folded grouped-query layout: [B, 1, group x T, past + T].
    /// </summary>
    public static Tensor Build(Tensor keyValid, long past, long steps, int group)
    {
        using var scope = torch.NewDisposeScope();
        var device = keyValid.device;
        long total = keyValid.shape[1];
        var queries = HeldScalarArithmetic.Range(past, past + steps, device).unsqueeze(1);
        var keys = HeldScalarArithmetic.Range(0, total, device).unsqueeze(0);
        var causal = keys.le(queries).unsqueeze(0);
        var self = keys.eq(queries).unsqueeze(0);
        var mask = causal.logical_and(keyValid.unsqueeze(1)).logical_or(self);
        if (group > 1) mask = mask.repeat(1, group, 1);
        return mask.unsqueeze(1).MoveToOuterDisposeScope();
    }
}
