using R1Sharp.Training.Metrics;

namespace R1Sharp.Training.Sft;

/// <summary>The metrics of one SFT optimizer step; <see cref="ToStepMetrics"/> names them as TRL's SFTTrainer logs them.</summary>
/// <param name="Step">Optimizer step (1-based, after the update).</param>
/// <param name="Epoch">Fractional epoch (<c>epoch</c>).</param>
/// <param name="Loss">Mean cross-entropy per assistant token over the step's micro-batches (<c>loss</c>).</param>
/// <param name="LearningRate">Rate used for this step (<c>learning_rate</c>).</param>
/// <param name="GradNorm">Gradient norm before clipping (<c>grad_norm</c>).</param>
/// <param name="NumTokens">Non-padding tokens trained on since the start of the run, resumes included (<c>num_tokens</c>).</param>
/// <param name="PaddingShare">Share of positions in the step's batches that were padding (<c>padding_share</c>).</param>
/// <param name="TokensPerSecond">Real (non-padding) tokens processed per second of this step (<c>tokens_per_second</c>).</param>
/// <param name="ValidationLoss">Mean cross-entropy per assistant token on the validation split, when evaluated at this step (<c>eval_loss</c>).</param>
/// <param name="RouterAuxLoss">A Qwen3-MoE model's load-balancing term, coefficient included (<c>router_aux_loss</c>); null for other models.</param>
public sealed record SftStepMetrics(int Step, double Epoch, double Loss, double LearningRate, double GradNorm, long NumTokens,
    double PaddingShare, double TokensPerSecond, double? ValidationLoss, double? RouterAuxLoss = null)
{
    /// <summary>The line of metrics.jsonl (and the TensorBoard scalars) for this step.</summary>
    public StepMetrics ToStepMetrics()
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["loss"] = Loss,
            ["grad_norm"] = GradNorm,
            ["learning_rate"] = LearningRate,
            ["epoch"] = Epoch,
            ["num_tokens"] = NumTokens,
            ["padding_share"] = PaddingShare,
            ["tokens_per_second"] = TokensPerSecond,
        };
        if (ValidationLoss is { } validation) values["eval_loss"] = validation;
        if (RouterAuxLoss is { } aux) values["router_aux_loss"] = aux;
        return new StepMetrics(Step, values);
    }
}
