using System.Text.Json.Serialization;

namespace R1Sharp.Training.Sft;

/// <summary>One line of metrics.jsonl (names as TRL logs them where it has one).</summary>
/// <param name="Step">Optimizer step (1-based, after the update).</param>
/// <param name="Epoch">Fractional epoch.</param>
/// <param name="Loss">Mean cross-entropy per assistant token over the step's micro-batches; null on validation-only lines.</param>
/// <param name="LearningRate">Rate used for this step.</param>
/// <param name="GradNorm">Gradient norm before clipping.</param>
/// <param name="PaddingShare">Share of positions in the step's batches that were padding.</param>
/// <param name="TokensPerSecond">Real (non-padding) tokens processed per second of this step.</param>
/// <param name="TargetTokens">Assistant tokens that carried loss in this step.</param>
/// <param name="ValidationLoss">Mean cross-entropy per assistant token on the validation split, when evaluated at this step.</param>
public sealed record SftStepMetrics(
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("epoch")] double Epoch,
    [property: JsonPropertyName("loss")] double? Loss,
    [property: JsonPropertyName("learning_rate")] double LearningRate,
    [property: JsonPropertyName("grad_norm")] double? GradNorm,
    [property: JsonPropertyName("padding_share")] double? PaddingShare,
    [property: JsonPropertyName("tokens_per_second")] double? TokensPerSecond,
    [property: JsonPropertyName("target_tokens")] long? TargetTokens,
    [property: JsonPropertyName("eval_loss")] double? ValidationLoss);
