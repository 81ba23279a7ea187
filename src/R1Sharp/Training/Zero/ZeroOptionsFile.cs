using R1Sharp.Training.Checkpointing;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using R1Sharp.IO;
using R1Sharp.Training.Configuration;

namespace R1Sharp.Training.Zero;

/// <summary>
/// <c>zero_config.json</c>: the settings of an <c>r1 zero</c> run (model shape, corpus, tasks, evaluation, GRPO),
/// written into its output directory so that later stages (<c>r1 distill-zero</c>) rebuild the same corpus and
/// held-out split instead of assuming today's defaults. The same format is what <c>r1 zero --config FILE</c> reads:
/// any subset of the settings, each object merged over the defaults (so <c>{"noise": {"guess_rate": 0.5}}</c>
/// changes one rate and keeps the rest, and <c>grpo</c> keys start from <see cref="ZeroOptions.Grpo"/>'s defaults).
/// </summary>
public static class ZeroOptionsFile
{
    /// <summary>File name inside the run directory.</summary>
    public const string FileName = "zero_config.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>
    /// The settings that decide a run's outcome, for <c>--resume</c> to compare (<see cref="RunSettings"/>): everything
    /// but the output folder, the thread counts and the <c>grpo</c> block (which the GRPO trainer compares itself, letting
    /// <c>max_steps</c> and the intervals change). A changed seed, held-out size, k or evaluation sampling would make the
    /// stored "before" figures and the evaluation curve incomparable with the rest of the run.
    /// </summary>
    public static SortedDictionary<string, string> Settings(ZeroOptions options)
    {
        var settings = RunSettings.From(options, Json, ["output_directory", "threads", "pretrain_threads", "grpo"]);
        // Pre-training workers split a step over threads without changing what it computes (up to rounding), like the
        // thread counts; runs recorded before the setting existed lack it.
        if (settings.TryGetValue("pretrain", out string? pretrain) && JsonNode.Parse(pretrain) is JsonObject block && block.Remove("workers"))
            settings["pretrain"] = block.ToJsonString();
        return settings;
    }

    /// <summary>Writes <paramref name="options"/> into <paramref name="runDirectory"/> (atomically).</summary>
    public static Task SaveAsync(ZeroOptions options, string runDirectory, CancellationToken cancellationToken) =>
        AtomicFile.WriteAllTextAsync(Path.Combine(runDirectory, FileName), JsonSerializer.Serialize(options, Json), cancellationToken);

    /// <summary>Reads the settings saved in <paramref name="runDirectory"/>; null when the run has none (older runs).</summary>
    /// <exception cref="InvalidDataException">The file exists but is not valid (the message names it and the setting).</exception>
    public static async Task<ZeroOptions?> LoadAsync(string runDirectory, CancellationToken cancellationToken)
    {
        string path = Path.Combine(runDirectory, FileName);
        return File.Exists(path) ? await LoadFileAsync(path, cancellationToken).ConfigureAwait(false) : null;
    }

    /// <summary>Reads settings from <paramref name="path"/>, merged over <c>new ZeroOptions()</c>.</summary>
    /// <exception cref="InvalidDataException">The file is not valid JSON, names an unknown setting, or has a bad value (the message says which).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static async Task<ZeroOptions> LoadFileAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: r1 zero settings file not found", path);
        JsonObject file;
        try
        {
            file = JsonNode.Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)) as JsonObject
                ?? throw new InvalidDataException($"{path}: expected a JSON object of r1 zero settings");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
        // The grpo block goes through GrpoOptionsFile, like `r1 grpo --config`: same TRL names and aliases
        // (epsilon = epsilon_low), same messages. It starts from r1 zero's GRPO defaults, not GrpoOptions' own.
        var grpo = file["grpo"] as JsonObject;
        if (file["grpo"] is not null and not JsonObject) throw new InvalidDataException($"{path}: setting 'grpo' must be an object of GRPO options");
        file.Remove("grpo");
        var merged = JsonSerializer.SerializeToNode(new ZeroOptions(), Json)!.AsObject();
        Merge(merged, file);
        ZeroOptions options;
        try
        {
            options = merged.Deserialize<ZeroOptions>(Json) ?? throw new InvalidDataException($"{path}: empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: setting '{(e.Path is { Length: > 2 } p ? p[2..] : "(root)")}' is unknown or has a bad value: {e.Message}", e);
        }
        return options with { Grpo = GrpoOptionsFile.FromSettings(grpo ?? [], options.Grpo, $"{path}: grpo") };
    }

    // Objects merge key by key; anything else (numbers, strings, arrays) replaces the default.
    private static void Merge(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source)
        {
            if (value is JsonObject child && target[key] is JsonObject existing) Merge(existing, child);
            else target[key] = value?.DeepClone();
        }
    }
}
