using R1Sharp.Tasks;
using R1Sharp.Training.Configuration;

namespace R1Sharp.Training.Zero.Tools;

/// <summary>
/// Settings of <c>r1 zero --tools</c>: R1-Zero on a task family where a tool pays (<see cref="MultiplicationTask"/>).
/// A base model is pre-trained on a corpus where tool calls are common in worked examples and rare under the R1-Zero
/// template; GRPO then runs twice from that base for the same number of steps, once with the tool and once without,
/// and both are evaluated on the held-out problems with the paper's protocol. Kept apart from <see cref="ZeroOptions"/>
/// so the default <c>r1 zero</c> run is untouched. Defaults sized for about 10 minutes on 2 cores.
/// </summary>
public sealed record ZeroToolOptions
{
    /// <summary>Output directory. Default <c>runs/zero-tools-&lt;UTC timestamp&gt;</c>.</summary>
    public string OutputDirectory { get; init; } = Path.Combine("runs", $"zero-tools-{DateTime.UtcNow:yyyyMMdd-HHmmss}");

    /// <summary>Seed of the tasks, the model, pre-training order and sampling. Default <see cref="ZeroOptions.DefaultSeed"/>.</summary>
    public int Seed { get; init; } = ZeroOptions.DefaultSeed;

    /// <summary>Torch intra-op threads; 0 = one per core. Default 0 (use 1 on a busy machine).</summary>
    public int Threads { get; init; }

    /// <summary>The tool. Default <see cref="ZeroToolKind.Calculator"/>.</summary>
    public ZeroToolKind Tool { get; init; } = ZeroToolKind.Calculator;

    /// <summary>The task family. Default 3-digit × 2-digit.</summary>
    public MultiplicationTask Task { get; init; } = new();

    /// <summary>Base model shape. Default that of <c>r1 zero</c> (~0.8M parameters).</summary>
    public ZeroModelShape Model { get; init; } = new();

    /// <summary>Pre-training. Default 600 steps of 32 documents: the documents are short (about 30 tokens).</summary>
    public PretrainOptions Pretrain { get; init; } = new(Steps: 600);

    /// <summary>How the corpus uses the tool.</summary>
    public ZeroToolCorpusOptions Corpus { get; init; } = new();

    /// <summary>Held-out problems (never trained on). Default 100.</summary>
    public int HeldOut { get; init; } = 100;

    /// <summary>k samples per held-out problem for pass@1 (paper 4–64). Default 8.</summary>
    public int EvalSamples { get; init; } = 8;

    /// <summary>Evaluation temperature (paper 0.6).</summary>
    public double EvalTemperature { get; init; } = 0.6;

    /// <summary>Evaluation top-p (paper 0.95).</summary>
    public double EvalTopP { get; init; } = 0.95;

    /// <summary>Most tool calls per completion (TRL <c>max_tool_calling_iterations</c>). Default 2: one call answers the problem.</summary>
    public int MaxToolCallingIterations { get; init; } = 2;

    /// <summary>
    /// GRPO settings, the same for the run with tools and the run without. As <c>r1 zero</c> (G = 8, 16 prompts a step,
    /// β = 0.001, rollout temperature 1.0, accuracy + 0.1 × format), with fewer steps and shorter completions: a tool-using
    /// answer is about 30 tokens. One micro-batch a step, as the figures of docs/zero.md ("r1 zero --tools") were measured (r1 zero's two,
    /// for its micro-batch workers, would change their rounding).
    /// </summary>
    public GrpoOptions Grpo { get; init; } = new ZeroOptions().Grpo with { MaxSteps = 30, MaxCompletionLength = 48, MaxPromptLength = 64, EvalSteps = 10, SaveSteps = 0, GradientAccumulationSteps = 1 };

    /// <summary>The suite: the multiplication family and its held-out split.</summary>
    public TaskSuite CreateSuite() => new([Task], Seed, HeldOut);

    /// <summary>A ~1-minute smoke configuration (plumbing, not results).</summary>
    public static ZeroToolOptions Quick(string outputDirectory) => new()
    {
        OutputDirectory = outputDirectory,
        Model = new ZeroModelShape(Hidden: 64, Layers: 2, Heads: 2, KvHeads: 1, Intermediate: 128),
        Pretrain = new PretrainOptions(Steps: 40, BatchSize: 16),
        HeldOut = 8,
        EvalSamples = 2,
        Grpo = new ZeroToolOptions().Grpo with { MaxSteps = 3, PromptsPerStep = 4, NumGenerations = 4, EvalSteps = 2 },
    };
}
