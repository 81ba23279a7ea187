using R1Sharp.Training.Configuration;
using R1Sharp.Training.Zero;

namespace R1Sharp.Distillation.BuiltIn;

/// <summary>
/// Settings of <c>r1 distill-zero</c>: distil an <c>r1 zero</c> model (the teacher) into a smaller student of the same
/// family, and compare it with the same student trained by GRPO alone for the same wall time. The defaults fit a few
/// minutes on 2 CPU cores with one torch thread.
/// </summary>
public sealed record ZeroDistillOptions
{
    /// <summary>The teacher: the output directory of an <c>r1 zero</c> run (its newest checkpoint is used), or one checkpoint directory.</summary>
    public required string TeacherDirectory { get; init; }

    /// <summary>Output directory. Default <c>runs/distill-zero-&lt;UTC timestamp&gt;</c>.</summary>
    public string OutputDirectory { get; init; } = Path.Combine("runs", $"distill-zero-{DateTime.UtcNow:yyyyMMdd-HHmmss}");

    /// <summary>
    /// Seed of the tasks (and so of the held-out split), the student's initialisation and every sampling call; null
    /// takes the teacher run's seed from its grpo_config.json (<c>r1 zero --seed</c> writes it there), else <see cref="ZeroOptions.DefaultSeed"/>. The
    /// held-out problems are the teacher's only when this seed is the teacher's.
    /// </summary>
    public int? Seed { get; init; }

    /// <summary>Torch intra-op threads; 0 = one per core. Default 0, as <c>r1 zero</c> (see <see cref="ZeroOptions.Threads"/>).</summary>
    public int Threads { get; init; }

    /// <summary>
    /// Task mixture, pre-training corpus and evaluation protocol (held-out size, k, temperature, top-p). Null (default)
    /// = the teacher run's own, from its zero_config.json, so the student reads the teacher's corpus and is evaluated
    /// on the same held-out split; runs without that file get a default <c>r1 zero</c> run's, <c>new ZeroOptions()</c>.
    /// </summary>
    public ZeroOptions? Zero { get; init; }

    /// <summary>
    /// GRPO settings of the RL arm (and the evaluation's generation limit, <c>max_completion_length</c>); null = the
    /// teacher run's grpo_config.json, so the student gets the teacher's own RL recipe, else <see cref="ZeroOptions.Grpo"/>.
    /// <c>max_steps</c>, <c>max_seconds</c>, <c>eval_steps</c>, <c>save_steps</c> and <c>seed</c> are set by the demonstration.
    /// </summary>
    public GrpoOptions? Grpo { get; init; }

    /// <summary>The student's shape. Default hidden 64, 4 layers, 2 heads, 1 KV head, MLP 192: about a quarter of the default teacher's ~0.8M parameters.</summary>
    public ZeroModelShape Student { get; init; } = new(Hidden: 64, Layers: 4, Heads: 2, KvHeads: 1, Intermediate: 192);

    /// <summary>Pre-training of the student's base on the teacher's corpus. Null (default) = the teacher's own pre-training settings.</summary>
    public PretrainOptions? StudentPretrain { get; init; }

    /// <summary>
    /// Training prompts the teacher answers (problems 0 … n−1 of training stream 2, which neither pre-training nor RL
    /// reads). Default 2,000: sampling is cheap (measured: 8,000 samples in 12 s on one thread), and the arm's time is
    /// also the RL arm's budget; with 400 prompts both arms got under 4 s, 5 GRPO steps, too little to compare.
    /// </summary>
    public int TeacherPrompts { get; init; } = 2000;

    /// <summary>Teacher samples per prompt (k). Default 4.</summary>
    public int SamplesPerPrompt { get; init; } = 4;

    /// <summary>Teacher sampling temperature. Default 0.6 (the paper's evaluation setting, also used for its rejection sampling).</summary>
    public double SamplingTemperature { get; init; } = 0.6;

    /// <summary>Teacher sampling top-p. Default 0.95.</summary>
    public double SamplingTopP { get; init; } = 0.95;

    /// <summary>Rejection sampling: at most this many correct, distinct responses kept per prompt (0 = all). Default 4, <c>r1 filter</c>'s.</summary>
    public int MaxPerPrompt { get; init; } = 4;

    /// <summary>SFT of the student on the kept samples.</summary>
    public StudentSftOptions Sft { get; init; } = new();

    /// <summary>Upper limit on the RL arm's GRPO steps (the time budget normally ends it first); also the learning-rate schedule's horizon. Default 100,000.</summary>
    public int RlMaxSteps { get; init; } = 100_000;

    /// <summary>A smoke configuration (plumbing, not results): tiny student, few steps and samples, <see cref="ZeroOptions.Quick"/>'s small held-out set.</summary>
    public static ZeroDistillOptions Quick(string teacherDirectory, string outputDirectory) => new()
    {
        TeacherDirectory = teacherDirectory,
        OutputDirectory = outputDirectory,
        Zero = ZeroOptions.Quick(outputDirectory),
        Student = new ZeroModelShape(Hidden: 32, Layers: 1, Heads: 2, KvHeads: 1, Intermediate: 64),
        StudentPretrain = new PretrainOptions(Steps: 20, BatchSize: 16),
        TeacherPrompts = 32,
        SamplesPerPrompt = 2,
        Sft = new StudentSftOptions(Epochs: 1, BatchSize: 8),
    };
}
