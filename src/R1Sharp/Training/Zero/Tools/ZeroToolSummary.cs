using System.Text.Json.Serialization;

namespace R1Sharp.Training.Zero.Tools;

/// <summary>
/// What <c>r1 zero --tools</c> writes to summary.json. Every pass@1 is the mean correctness of k samples per held-out
/// problem (temperature 0.6, top-p 0.95); "with tools" means the evaluation answers the model's calls.
/// </summary>
public sealed record ZeroToolSummary
{
    /// <summary>The base model's pass@1, with tools.</summary>
    [JsonPropertyName("pass1_before")] public double Pass1Before { get; init; }

    /// <summary>The base model's pass@1 without tools.</summary>
    [JsonPropertyName("pass1_before_no_tools")] public double Pass1BeforeNoTools { get; init; }

    /// <summary>pass@1 with tools after GRPO with tools.</summary>
    [JsonPropertyName("pass1_after")] public double Pass1After { get; init; }

    /// <summary>pass@1 without tools of the same base model after GRPO without tools, for the same number of steps.</summary>
    [JsonPropertyName("pass1_no_tools_after")] public double Pass1NoToolsAfter { get; init; }

    /// <summary>Share of the base model's sampled completions that call the tool (evaluated with tools).</summary>
    [JsonPropertyName("tool_call_rate_before")] public double ToolCallRateBefore { get; init; }

    /// <summary>Share of sampled completions that call the tool after GRPO with tools.</summary>
    [JsonPropertyName("tool_call_rate_after")] public double ToolCallRateAfter { get; init; }

    /// <summary>Share of the no-tools model's completions that still write a call (which nothing answers).</summary>
    [JsonPropertyName("tool_call_rate_no_tools_after")] public double ToolCallRateNoToolsAfter { get; init; }

    /// <summary>Failed calls per call after GRPO with tools.</summary>
    [JsonPropertyName("tool_failure_rate_after")] public double ToolFailureRateAfter { get; init; }

    /// <summary>Share of well-formatted completions: base (with tools), after with tools, after without.</summary>
    [JsonPropertyName("format")] public IReadOnlyDictionary<string, double> Format { get; init; } = new Dictionary<string, double>();

    /// <summary>Mean completion length in tokens (tool output included): base (with tools), after with tools, after without.</summary>
    [JsonPropertyName("mean_length")] public IReadOnlyDictionary<string, double> MeanLength { get; init; } = new Dictionary<string, double>();

    /// <summary>Share of completions with at least one call at each GRPO step of the run with tools (<c>tools/call_rate</c> in its metrics.jsonl).</summary>
    [JsonPropertyName("tool_call_rate_over_training")] public IReadOnlyList<double> ToolCallRateOverTraining { get; init; } = [];

    /// <summary>GRPO steps of each of the two runs.</summary>
    [JsonPropertyName("steps")] public int Steps { get; init; }

    /// <summary>Wall-clock seconds of the whole run.</summary>
    [JsonPropertyName("seconds")] public double Seconds { get; init; }

    /// <summary>CPU seconds of the process (all threads).</summary>
    [JsonPropertyName("cpu_seconds")] public double CpuSeconds { get; init; }

    /// <summary>Wall-clock seconds of each phase: pretrain, eval_before, rl_tools, eval_after, rl_no_tools, eval_no_tools_after.</summary>
    [JsonPropertyName("phase_seconds")] public IReadOnlyDictionary<string, double> PhaseSeconds { get; init; } = new Dictionary<string, double>();

    /// <summary>The machine's 1-minute load average at the start and the end (<c>/proc/loadavg</c>; absent elsewhere): wall time is read against it.</summary>
    [JsonPropertyName("load_average")] public IReadOnlyDictionary<string, double> LoadAverage { get; init; } = new Dictionary<string, double>();

    /// <summary>Torch threads the run used.</summary>
    [JsonPropertyName("threads")] public int Threads { get; init; }

    /// <summary>The tool: calculator or python.</summary>
    [JsonPropertyName("tool")] public string Tool { get; init; } = "";

    /// <summary>Base model parameters.</summary>
    [JsonPropertyName("parameters")] public long Parameters { get; init; }

    /// <summary>Seed.</summary>
    [JsonPropertyName("seed")] public int Seed { get; init; }

    /// <summary>Held-out problems.</summary>
    [JsonPropertyName("held_out")] public int HeldOut { get; init; }

    /// <summary>k, samples per held-out problem.</summary>
    [JsonPropertyName("eval_samples")] public int EvalSamples { get; init; }
}
