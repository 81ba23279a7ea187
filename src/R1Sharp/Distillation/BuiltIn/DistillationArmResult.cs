namespace R1Sharp.Distillation.BuiltIn;

/// <summary>What the distillation arm of <c>r1 distill-zero</c> did and how long it took.</summary>
/// <param name="Seconds">Wall time of the arm: teacher sampling (with scoring, filtering and writing the data) plus SFT. The RL arm gets this much time.</param>
/// <param name="SamplingSeconds">Teacher sampling, scoring, rejection sampling and the data files.</param>
/// <param name="SftSeconds">SFT of the student.</param>
/// <param name="Prompts">Training prompts the teacher answered.</param>
/// <param name="SamplesPerPrompt">Samples per prompt.</param>
/// <param name="Correct">Samples whose answer the task's checker accepted (before the other rules).</param>
/// <param name="Rejection">Kept and dropped counts of the rejection sampling, by reason.</param>
/// <param name="SftSteps">SFT optimizer steps (0 when nothing was kept).</param>
public sealed record DistillationArmResult(
    double Seconds,
    double SamplingSeconds,
    double SftSeconds,
    int Prompts,
    int SamplesPerPrompt,
    int Correct,
    RejectionStatistics Rejection,
    int SftSteps);
