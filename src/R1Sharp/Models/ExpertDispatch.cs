using R1Sharp.TorchInterop;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// Sparse, expert-grouped dispatch shared by the MoE blocks: the N·k (token, expert) assignments are sorted by expert
/// (stable), the per-expert counts are read once to the host, and each expert that received tokens runs one matrix
/// product over exactly its rows (gathered with index_select), scaled by their weights and scattered back with
/// index_add. Experts with no token compute nothing. Cost per layer: one host sync for the counts, one gather and one
/// scatter of N·k rows, and up to E small matrix products instead of one large one.
/// </summary>
internal static class ExpertDispatch
{
    /// <summary>flat [N, hidden], weights and experts [N, k] -> Σ_j weights[n, j] · expert_{experts[n, j]}(flat[n]), [N, hidden].</summary>
    public static Tensor Run(Tensor flat, Tensor weights, Tensor experts, IList<SwiGluFeedForward> modules)
    {
        using var scope = torch.NewDisposeScope();
        long k = experts.shape[1];
        var (sortedExperts, order) = experts.reshape(-1).sort(stable: true);
        long[] counts = sortedExperts.bincount(null, modules.Count).cpu().data<long>().ToArray();
        using var perToken = k.ToScalar();
        var tokenOfAssignment = order.div(perToken, RoundingMode.floor);
        var sortedWeights = weights.reshape(-1).index_select(0, order).unsqueeze(1);
        var output = torch.zeros_like(flat);
        long offset = 0;
        for (int e = 0; e < counts.Length; e++)
        {
            long count = counts[e];
            if (count == 0) continue;
            var rows = tokenOfAssignment.narrow(0, offset, count);
            var expertOutput = modules[e].forward(flat.index_select(0, rows)) * sortedWeights.narrow(0, offset, count);
            output = output.index_add(0, rows, expertOutput, HeldScalars.One);
            offset += count;
        }
        return output.MoveToOuterDisposeScope();
    }
}
