namespace R1Sharp.Distillation.BuiltIn;

/// <summary>Supervised fine-tuning of the student on the teacher's filtered samples (the distillation arm of <c>r1 distill-zero</c>).</summary>
/// <param name="Epochs">Passes over the kept samples (each in its own shuffled order). Default 3.</param>
/// <param name="BatchSize">Samples per optimizer step (packed as in pre-training). Default 32.</param>
/// <param name="LearningRate">AdamW peak learning rate, cosine decay to 10%. Default 1e-3: half the pre-training peak, since SFT starts from a trained base.</param>
/// <param name="WarmupSteps">Linear warmup steps. Default 5.</param>
public sealed record StudentSftOptions(int Epochs = 3, int BatchSize = 32, double LearningRate = 1e-3, int WarmupSteps = 5);
