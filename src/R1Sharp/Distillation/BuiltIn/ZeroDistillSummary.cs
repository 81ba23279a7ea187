using R1Sharp.Evaluation.Metrics;

namespace R1Sharp.Distillation.BuiltIn;

/// <summary>What <c>r1 distill-zero</c> writes to summary.json (snake_case keys).</summary>
public sealed record ZeroDistillSummary
{
    /// <summary>Name of the teacher in <see cref="Models"/>.</summary>
    public const string Teacher = "teacher";

    /// <summary>Name of the student's pre-trained base (before either arm).</summary>
    public const string StudentBase = "student_base";

    /// <summary>Name of the student after distillation (SFT on the teacher's filtered samples).</summary>
    public const string StudentDistilled = "student_distilled";

    /// <summary>Name of the student after GRPO alone.</summary>
    public const string StudentRl = "student_rl";

    /// <summary>The four models in the order they are evaluated and shown.</summary>
    public static IReadOnlyList<string> ModelOrder { get; } = [Teacher, StudentBase, StudentDistilled, StudentRl];

    /// <summary>The teacher checkpoint that was loaded.</summary>
    public required string TeacherCheckpoint { get; init; }

    /// <summary>Held-out figures of each model: teacher, student_base, student_distilled, student_rl.</summary>
    public required IReadOnlyDictionary<string, ModelScores> Models { get; init; }

    /// <summary>The distillation arm.</summary>
    public required DistillationArmResult Distillation { get; init; }

    /// <summary>The RL arm.</summary>
    public required RlArmResult Rl { get; init; }

    /// <summary>
    /// pass@1 of the distilled student minus the RL student's, with a paired bootstrap 95% interval over the held-out
    /// problems (<see cref="PairedBootstrap"/>); <c>tie</c> is true when the interval contains 0, and the comparison
    /// then names no winner.
    /// </summary>
    public required PairedDifference DistilledMinusRl { get; init; }

    /// <summary>Seed of tasks, student and sampling.</summary>
    public int Seed { get; init; }

    /// <summary>Held-out problems evaluated (all families).</summary>
    public int HeldOutProblems { get; init; }

    /// <summary>k, samples per held-out problem for pass@1.</summary>
    public int EvalSamples { get; init; }

    /// <summary>Wall time of the student's base pre-training (shared by both arms, so counted in neither).</summary>
    public double StudentPretrainSeconds { get; init; }

    /// <summary>Wall time of the four evaluations.</summary>
    public double EvaluationSeconds { get; init; }

    /// <summary>Wall time of the whole run.</summary>
    public double Seconds { get; init; }

    /// <summary>CPU seconds of this process over the run (all threads).</summary>
    public double CpuSeconds { get; init; }
}
