using R1Sharp.TorchInterop;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// DeepSeek-V3's auxiliary-loss-free load balancing (DeepSeek-V3 technical report, §2.1.2): each MoE layer's
/// selection bias <c>e_score_correction_bias</c> moves after every optimizer step by
/// b_i ← b_i + γ · sign(mean load − load_i), where load_i counts the (token, choice) assignments routed to expert i
/// during that step's training forward passes (padding left out) and the mean is over the layer's routed experts.
/// Overloaded experts become less likely to be chosen, underloaded ones more; the routing weights never see the bias.
/// Create it before the step's forward passes (it turns on the blocks' choice collection), call
/// <see cref="Accumulate"/> after each micro-batch's forward and <see cref="Apply"/> after the optimizer step.
/// </summary>
public sealed class ExpertBiasUpdate : IDisposable
{
    private readonly IReadOnlyList<DeepseekMoeBlock> _blocks;
    private readonly long[][] _loads;

    /// <summary>Turns on expert-choice collection in every DeepSeek-V3 sparse block of <paramref name="model"/>.</summary>
    /// <param name="model">A deepseek_v3 model whose routing uses the bias (<c>topk_method: noaux_tc</c>).</param>
    /// <param name="rate">γ, the bias update speed (the paper: 0.001 for most of pre-training).</param>
    /// <exception cref="ArgumentException">The model's routing has no selection bias, or γ is not a finite number &gt; 0.</exception>
    public ExpertBiasUpdate(CausalLanguageModel model, double rate)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!AppliesTo(model))
            throw new ArgumentException($"router_bias_update_rate applies to deepseek_v3 models with topk_method noaux_tc (whose routing uses e_score_correction_bias); this model is {model.Config.ModelType}"
                + (model.Config.DeepseekMoe is { } s ? $" with topk_method {s.TopkMethod}" : ""), nameof(model));
        if (!double.IsFinite(rate) || rate <= 0) throw new ArgumentException($"router_bias_update_rate must be a finite number > 0 (got {rate})", nameof(rate));
        Rate = rate;
        _blocks = model.DeepseekBlocks;
        _loads = [.. _blocks.Select(b => new long[b.ExpertCount])];
        foreach (var block in _blocks) block.CollectExpertChoices = true;
    }

    /// <summary>True when <paramref name="model"/> routes with a selection bias this update can move.</summary>
    public static bool AppliesTo(CausalLanguageModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Config.DeepseekMoe is { GroupLimited: true } && model.DeepseekBlocks.Count > 0;
    }

    /// <summary>γ.</summary>
    public double Rate { get; }

    /// <summary>Each sparse layer's load so far in this step: assignments per routed expert.</summary>
    public IReadOnlyList<IReadOnlyList<long>> Loads => _loads;

    /// <summary>Adds the expert choices of the latest forward to the step's loads.</summary>
    /// <param name="tokenMask">That forward's attention mask [B, T] (1 token, 0 padding); null counts every position.</param>
    public void Accumulate(Tensor? tokenMask)
    {
        using var scope = NewDisposeScope();
        for (int layer = 0; layer < _blocks.Count; layer++)
        {
            var experts = _blocks[layer].LastExperts ?? throw new InvalidOperationException("no expert choices were kept: run a forward pass after creating the update");
            long k = experts.shape[1];
            Tensor? weights = null;
            if (tokenMask is not null)
            {
                var mask = tokenMask.reshape(-1, 1).to(ScalarType.Float64, experts.device);
                if (mask.shape[0] != experts.shape[0])
                    throw new ArgumentException($"the token mask covers {mask.shape[0]} tokens but the latest forward routed {experts.shape[0]}", nameof(tokenMask));
                weights = mask.expand(-1, k).reshape(-1);
            }
            var counts = experts.reshape(-1).bincount(weights, _loads[layer].Length).to(ScalarType.Float64).cpu().data<double>().ToArray();
            for (int e = 0; e < counts.Length; e++) _loads[layer][e] += (long)Math.Round(counts[e]);
        }
    }

    /// <summary>Moves every layer's bias by <see cref="Delta"/> of its load, then starts the next step's count at zero.</summary>
    public void Apply()
    {
        using var noGrad = torch.no_grad();
        for (int layer = 0; layer < _blocks.Count; layer++)
        {
            var bias = _blocks[layer].CorrectionBias;
            using var delta = torch.tensor(Delta(_loads[layer], Rate), ScalarType.Float64).to(bias.dtype, bias.device);
            bias.PlusInPlace(delta);
            Array.Clear(_loads[layer]);
        }
    }

    /// <summary>γ · sign(mean load − load_i) for every expert i: +γ below the mean, −γ above it, 0 on it.</summary>
    /// <param name="load">Assignments per expert in one layer.</param>
    /// <param name="rate">γ.</param>
    public static double[] Delta(IReadOnlyList<long> load, double rate)
    {
        ArgumentNullException.ThrowIfNull(load);
        if (load.Count == 0) return [];
        double mean = load.Average();
        return [.. load.Select(l => rate * Math.Sign(mean - l))];
    }

    /// <summary>Turns the blocks' choice collection off again.</summary>
    public void Dispose()
    {
        foreach (var block in _blocks) block.CollectExpertChoices = false;
    }
}
