namespace R1Sharp.Training.Checkpointing;

/// <summary>
/// Everything besides weights and optimizer moments that a resumed GRPO or pre-training run needs to continue
/// exactly: the step, the data position, and the seed. Sampling needs no saved RNG state because every rollout
/// call is seeded from (seed, step, refill), and the data order is a function of (seed, position).
/// </summary>
/// <param name="Step">Optimizer steps completed.</param>
/// <param name="DataPosition">Prompts consumed from the prompt source so far (the next step starts here).</param>
/// <param name="Seed">The run's seed (a resume with another seed is refused).</param>
/// <param name="ElapsedSeconds">Training wall time before this checkpoint, so reported durations add up across resumes.</param>
/// <param name="Phase">Free-form phase name for pipelines with several stages (e.g. <c>rl</c> for <c>r1 zero</c>).</param>
/// <param name="Settings">The settings that alter the run (see <see cref="RunSettings"/>); a resume refuses a change.</param>
public sealed record TrainerState(int Step, long DataPosition, int Seed, double ElapsedSeconds, string Phase = "rl",
    IReadOnlyDictionary<string, string>? Settings = null) : ICheckpointState;
