using System.Text.Json;
using System.Text.Json.Nodes;
using R1Sharp.IO;
using R1Sharp.Training.Configuration;

namespace R1Sharp.Pipeline;

/// <summary>
/// The settings a pipeline run records in DIR/settings.json, and the check that a <c>--resume</c> continues the run
/// with the same ones: a resumed stage trained or evaluated with other settings would mix two experiments in one
/// summary. Settings are compared flattened to dotted snake_case paths (<c>pretrain.steps</c>,
/// <c>reasoning_rl.max_steps</c>); those that change how fast, not what, a run computes may differ
/// (<see cref="MayChange"/>).
/// </summary>
public static class PipelineSettings
{
    /// <summary>File name of the recorded settings.</summary>
    public const string FileName = "settings.json";

    /// <summary>
    /// Settings a resumed run may change: the output directory it is resumed in, torch threads, the judge's address (the
    /// same judge model served elsewhere), whether the ablation runs beside the stages, and the pre-training and RL workers.
    /// </summary>
    public static IReadOnlySet<string> MayChange { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "output_directory", "threads", "judge.endpoint", "ablation_beside", "pretrain.workers",
        "reasoning_rl.micro_batch_workers", "all_scenario_rl.micro_batch_workers",
    };

    /// <summary>The command-line flag of a setting, where <c>r1 pipeline</c> has one (named in the error).</summary>
    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        ["seed"] = "--seed",
        ["pretrain.steps"] = "--pretrain-steps",
        ["reasoning_rl.max_steps"] = "--rl-steps",
        ["all_scenario_rl.max_steps"] = "--rl-steps",
        ["language_ablation"] = "--no-ablation",
        ["judge.model"] = "--judge-model",
    };

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        IncludeFields = true, // value tuples (reward-model training) are fields
        WriteIndented = true,
    };

    /// <summary>The settings of <paramref name="options"/>, flattened: path → JSON text of the value.</summary>
    public static SortedDictionary<string, string> Flatten(PipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var flat = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Walk(JsonSerializer.SerializeToNode(options, Json), "", flat);
        return flat;
    }

    /// <summary>
    /// Records the settings of a new run; on a resume, compares them with the recorded ones (a run that recorded none
    /// gets them recorded now).
    /// </summary>
    /// <exception cref="ConfigurationException">A resume whose settings differ from the recorded ones: each differing setting with its recorded and its new value.</exception>
    public static async Task RecordOrCheckAsync(PipelineOptions options, bool resume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        string path = Path.Combine(options.OutputDirectory, FileName);
        var current = Flatten(options);
        if (resume && File.Exists(path))
        {
            var recorded = JsonSerializer.Deserialize<SortedDictionary<string, string>>(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false))
                ?? throw new InvalidDataException($"{path}: empty");
            var differences = Differences(recorded, current);
            if (differences.Count > 0)
                throw new ConfigurationException($"{options.OutputDirectory}: --resume with settings that differ from the run's ({path}): " +
                    string.Join("; ", differences) + ". Resume with the recorded settings, or start a new run in another --output.");
            return;
        }
        await AtomicFile.WriteAllTextAsync(path, JsonSerializer.Serialize(current, Json), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Each setting (other than <see cref="MayChange"/>) whose value differs: "name (--flag): recorded X, now Y".</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyDictionary<string, string> recorded, IReadOnlyDictionary<string, string> current)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(current);
        var names = recorded.Keys.Union(current.Keys).Where(n => !MayChange.Contains(n)).Order(StringComparer.Ordinal);
        var differences = new List<string>();
        foreach (string name in names)
        {
            string? was = recorded.GetValueOrDefault(name), now = current.GetValueOrDefault(name);
            if (was == now) continue;
            string flag = Flags.TryGetValue(name, out var f) ? $" ({f})" : "";
            differences.Add($"{name}{flag}: recorded {was ?? "(not set)"}, now {now ?? "(not set)"}");
        }
        return differences;
    }

    private static void Walk(JsonNode? node, string path, SortedDictionary<string, string> flat)
    {
        if (node is JsonObject obj && obj.Count > 0)
        {
            foreach (var (key, child) in obj) Walk(child, path.Length == 0 ? key : $"{path}.{key}", flat);
            return;
        }
        flat[path] = node?.ToJsonString() ?? "null";
    }
}
