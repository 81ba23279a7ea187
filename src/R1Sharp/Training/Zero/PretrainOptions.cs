namespace R1Sharp.Training.Zero;

/// <summary>Next-token pre-training of the built-in base model on the synthetic corpus.</summary>
/// <param name="Steps">Optimizer steps. Default 3000: 3,000 until 2026-12-03, then 2,000 to fit the 600 s budget
/// (issue 14/18), which cost seeds 7-9 about 6 points of RL gain; back to 3,000 on 2026-12-04 once bf16 mixed
/// precision on two workers made 3,000 steps take 121 s (docs/zero.md has the calibration runs).</param>
/// <param name="BatchSize">Documents per step (packed into rows). Default 32.</param>
/// <param name="LearningRate">AdamW peak learning rate (cosine decay to 10%). Default 2e-3. A higher rate does not buy
/// fewer steps: with 2,000 steps, 3e-3 (warmup 50) trailed 2e-3's loss by 0.02-0.03 from step 750 to 1,000, and 4e-3
/// (1,500 steps) was at 0.80 at step 350 where 2e-3 was at 0.57-0.58 (docs/zero.md, "Speed calibration").</param>
/// <param name="WarmupSteps">Linear warmup steps. Default 20.</param>
/// <param name="SaveSteps">A resumable checkpoint every this many steps (0 = none). Default 250 (about half a minute of work).</param>
/// <param name="Bf16">bf16 mixed precision (TRL's <c>bf16</c>): bf16 forward and backward, float32 master weights, AdamW
/// state, gradient sums and checkpoints (<see cref="LanguageModeling.MixedPrecisionModel"/>). Needs a float32 model.
/// Default false.</param>
/// <param name="Workers">Threads that run a step's forward and backward at once, each on its share of the packed rows,
/// their gradients summed in a fixed order (<see cref="LanguageModeling.CrossEntropyStep.WithConcurrentMicroBatches"/>),
/// so a run repeats itself exactly. 0 = one per core that torch's own threads leave free, at most 2 (the default
/// command's one torch thread on two cores: 2). A step is split into as many shards as workers, in fp32 and in bf16
/// alike (<see cref="Optimization.MicroBatchWorkers"/>). A step's loss and update are those of the
/// whole batch up to float rounding (the row count of each matrix product changes its summation order). Default 0.</param>
public sealed record PretrainOptions(int Steps = 3000, int BatchSize = 32, double LearningRate = 2e-3, int WarmupSteps = 20, int SaveSteps = 250,
    bool Bf16 = false, int Workers = 0)
{
    /// <summary>The workers a run uses: <see cref="Workers"/>, or with 0 one per core torch's threads leave free, at most 2.</summary>
    public int EffectiveWorkers() => Optimization.MicroBatchWorkers.For(Workers, microBatches: int.MaxValue, ranks: 1, inTurnOnly: false,
        onCpu: true, Environment.ProcessorCount, TorchSharp.torch.get_num_threads());
}
