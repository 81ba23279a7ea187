namespace R1Sharp.Training.Zero;

/// <summary>Next-token pre-training of the built-in base model on the synthetic corpus.</summary>
/// <param name="Steps">Optimizer steps. Default 1200 (measured: 400 steps left the base model hopeless, pass@1 ≈ 3%; 1200 gave 13%).</param>
/// <param name="BatchSize">Documents per step. Default 32.</param>
/// <param name="LearningRate">AdamW peak learning rate (cosine decay to 10%). Default 2e-3.</param>
/// <param name="WarmupSteps">Linear warmup steps. Default 20.</param>
public sealed record PretrainOptions(int Steps = 1200, int BatchSize = 32, double LearningRate = 2e-3, int WarmupSteps = 20);
