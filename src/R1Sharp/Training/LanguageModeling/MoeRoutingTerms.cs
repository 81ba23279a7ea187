using R1Sharp.TorchInterop;
using R1Sharp.Models;
using R1Sharp.Training.Configuration;
using static TorchSharp.torch;

namespace R1Sharp.Training.LanguageModeling;

/// <summary>
/// What a mixture-of-experts model adds to a training step, shared by GRPO and SFT:
/// <list type="bullet">
/// <item>Qwen3-MoE's load-balancing loss (<see cref="RouterLoadBalancing"/>): each micro-batch's loss gains
/// (1 / micro-batches) × <c>router_aux_loss_coef</c> × its aux loss, padding left out, so the step adds the mean
/// of the micro-batches' aux losses, as transformers' Trainer divides each micro-batch's loss by the accumulation
/// steps. Logged as <c>router_aux_loss</c> (coefficient included). transformers adds it only when the config sets
/// <c>output_router_logits</c>; here it is on whenever <c>router_aux_loss_coef</c> &gt; 0.</item>
/// <item>DeepSeek-V3's auxiliary-loss-free bias update (<see cref="ExpertBiasUpdate"/>) after each optimizer step, when
/// <c>router_bias_update_rate</c> &gt; 0.</item>
/// </list>
/// Dense models get no terms (<see cref="For"/> returns null) and train exactly as before.
/// </summary>
public sealed class MoeRoutingTerms : IDisposable
{
    /// <summary>The metric name of the load-balancing term (coefficient included), after transformers' <c>aux_loss</c> / TRL's <c>router_aux_loss</c>.</summary>
    public const string AuxLossMetric = "router_aux_loss";

    private readonly CausalLanguageModel _model;
    private readonly bool _auxLoss;
    private readonly ExpertBiasUpdate? _biasUpdate;
    private double _stepAuxLoss;

    private MoeRoutingTerms(CausalLanguageModel model, bool auxLoss, ExpertBiasUpdate? biasUpdate)
    {
        _model = model;
        _auxLoss = auxLoss;
        _biasUpdate = biasUpdate;
        if (auxLoss) model.CollectRouterLogits = true;
    }

    /// <summary>The terms <paramref name="model"/> trains with, or null when it has none (dense models, and DeepSeek-V3 with the bias update off).</summary>
    /// <param name="model">The trained model (null: none).</param>
    /// <param name="biasUpdateRate"><c>router_bias_update_rate</c>, γ of DeepSeek-V3's bias update (0 = off).</param>
    /// <exception cref="ConfigurationException">γ &gt; 0 for a model whose routing has no selection bias.</exception>
    public static MoeRoutingTerms? For(CausalLanguageModel? model, double biasUpdateRate)
    {
        if (model is null) return null;
        bool auxLoss = model.Config.Moe is { RouterAuxLossCoef: > 0 };
        ExpertBiasUpdate? biasUpdate = null;
        if (biasUpdateRate > 0)
        {
            if (!ExpertBiasUpdate.AppliesTo(model))
                throw new ConfigurationException($"router_bias_update_rate: {biasUpdateRate} is set, but it applies only to deepseek_v3 models with topk_method noaux_tc (whose routing uses e_score_correction_bias); this model is {model.Config.ModelType}. Set it to 0.");
            biasUpdate = new ExpertBiasUpdate(model, biasUpdateRate);
        }
        return auxLoss || biasUpdate is not null ? new MoeRoutingTerms(model, auxLoss, biasUpdate) : null;
    }

    /// <summary>The bias update, when on (its loads so far in this step).</summary>
    public ExpertBiasUpdate? BiasUpdate => _biasUpdate;

    /// <summary>
    /// After a training micro-batch's forward pass: counts its expert loads (bias update) and returns
    /// <paramref name="loss"/> + <paramref name="weight"/> × router_aux_loss_coef × its load-balancing loss (or
    /// <paramref name="loss"/> itself without that term).
    /// </summary>
    /// <param name="loss">The micro-batch's share of the step's loss.</param>
    /// <param name="tokenMask">The forward's attention mask [B, T] (1 token, 0 padding).</param>
    /// <param name="weight">The micro-batch's weight in the step (1 / micro-batches).</param>
    public Tensor AddTo(Tensor loss, Tensor tokenMask, double weight)
    {
        ArgumentNullException.ThrowIfNull(loss);
        _biasUpdate?.Accumulate(tokenMask);
        if (!_auxLoss) return loss;
        var aux = _model.RouterAuxLoss(tokenMask) ?? throw new InvalidOperationException("the MoE model kept no router logits in its latest forward");
        _stepAuxLoss += weight * aux.item<float>();
        return loss.Plus(aux.to(loss.dtype).Times(weight));
    }

    /// <summary>After the optimizer step: moves DeepSeek-V3's selection biases, and closes the step's aux-loss sum.</summary>
    /// <returns>The metrics of the step: <see cref="AuxLossMetric"/> when the load-balancing loss is on.</returns>
    public IReadOnlyDictionary<string, double> AfterOptimizerStep()
    {
        _biasUpdate?.Apply();
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (_auxLoss) metrics[AuxLossMetric] = _stepAuxLoss;
        _stepAuxLoss = 0;
        return metrics;
    }

    /// <summary>Turns the model's router-logit and expert-choice collection off again.</summary>
    public void Dispose()
    {
        if (_auxLoss) _model.CollectRouterLogits = false;
        _biasUpdate?.Dispose();
    }
}
