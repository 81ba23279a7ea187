namespace R1Sharp.Training.Zero;

/// <summary>Stored with the pre-trained base model so a resumed <c>r1 zero</c> skips pre-training and the first evaluation.</summary>
/// <param name="Before">Held-out evaluation of the base model.</param>
/// <param name="PretrainSeconds">Wall time of pre-training.</param>
/// <param name="EvalBeforeSeconds">Wall time of the first evaluation.</param>
/// <param name="FinalPretrainLoss">Mean loss of the last pre-training steps.</param>
public sealed record ZeroBaseRecord(TaskEvaluationResult Before, double PretrainSeconds, double EvalBeforeSeconds, double FinalPretrainLoss);
