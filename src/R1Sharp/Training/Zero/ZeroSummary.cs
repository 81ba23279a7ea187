using System.Text.Json.Serialization;

namespace R1Sharp.Training.Zero;

/// <summary>What <c>r1 zero</c> writes to summary.json: held-out figures before and after RL.</summary>
public sealed record ZeroSummary
{
    /// <summary>pass@1 before RL (k samples, temperature 0.6, top-p 0.95).</summary>
    [JsonPropertyName("pass1_before")] public double Pass1Before { get; init; }

    /// <summary>pass@1 after RL.</summary>
    [JsonPropertyName("pass1_after")] public double Pass1After { get; init; }

    /// <summary>Greedy accuracy before RL.</summary>
    [JsonPropertyName("greedy_before")] public double GreedyBefore { get; init; }

    /// <summary>Greedy accuracy after RL.</summary>
    [JsonPropertyName("greedy_after")] public double GreedyAfter { get; init; }

    /// <summary>Share of well-formatted completions before RL.</summary>
    [JsonPropertyName("format_before")] public double FormatBefore { get; init; }

    /// <summary>Share of well-formatted completions after RL.</summary>
    [JsonPropertyName("format_after")] public double FormatAfter { get; init; }

    /// <summary>Mean completion length (tokens) before RL.</summary>
    [JsonPropertyName("mean_length_before")] public double MeanLengthBefore { get; init; }

    /// <summary>Mean completion length (tokens) after RL.</summary>
    [JsonPropertyName("mean_length_after")] public double MeanLengthAfter { get; init; }

    /// <summary>Share of completions with reflection words before RL.</summary>
    [JsonPropertyName("reflection_rate_before")] public double ReflectionRateBefore { get; init; }

    /// <summary>Share of completions with reflection words after RL.</summary>
    [JsonPropertyName("reflection_rate_after")] public double ReflectionRateAfter { get; init; }

    /// <summary>GRPO steps done.</summary>
    [JsonPropertyName("steps")] public int Steps { get; init; }

    /// <summary>Wall-clock seconds of the whole pipeline (pre-training, evaluations, RL), summed across resumes.</summary>
    [JsonPropertyName("seconds")] public double Seconds { get; init; }

    /// <summary>CPU seconds of this process (all threads).</summary>
    [JsonPropertyName("cpu_seconds")] public double CpuSeconds { get; init; }

    /// <summary>Seconds of each phase: pretrain, eval_before, rl, eval_after, and data (writing <c>data/</c>).</summary>
    [JsonPropertyName("phase_seconds")] public IReadOnlyDictionary<string, double> PhaseSeconds { get; init; } = new Dictionary<string, double>();

    /// <summary>Base model parameters.</summary>
    [JsonPropertyName("parameters")] public long Parameters { get; init; }

    /// <summary>Per task family: pass1_before, pass1_after, greedy_before, greedy_after.</summary>
    [JsonPropertyName("tasks")] public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Tasks { get; init; } = new Dictionary<string, IReadOnlyDictionary<string, double>>();

    /// <summary>
    /// Per task family, what pass@1 has to beat (<see cref="TaskBaselines"/>): Countdown's <c>sum_of_numbers</c>, the other
    /// families' <c>most_frequent_answer</c>, and the base model's pass@k with k = <see cref="EvalSamples"/> (<c>base_pass8</c>).
    /// </summary>
    [JsonPropertyName("baselines")] public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Baselines { get; init; } = new Dictionary<string, IReadOnlyDictionary<string, double>>();

    /// <summary>Seed of the run (tasks and held-out split, model, data order, sampling).</summary>
    [JsonPropertyName("seed")] public int Seed { get; init; }

    /// <summary>Held-out problems per family.</summary>
    [JsonPropertyName("held_out_per_family")] public int HeldOutPerFamily { get; init; }

    /// <summary>k of the evaluations before and after RL (pass@1 is the mean correctness of k samples per problem).</summary>
    [JsonPropertyName("eval_samples")] public int EvalSamples { get; init; }

    /// <summary>k of the cheaper evaluations during RL (the <c>eval/</c> points of metrics.jsonl).</summary>
    [JsonPropertyName("intermediate_eval_samples")] public int IntermediateEvalSamples { get; init; }
}
