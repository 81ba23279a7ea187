using System.Text.Json;
using System.Text.Json.Nodes;
using R1Sharp.Training.Configuration;

namespace R1Sharp.Training.Checkpointing;

/// <summary>
/// The settings that decide a run's trajectory, recorded in every checkpoint's state so that <c>--resume</c> can
/// refuse a changed one by name ("--resume: batch_size was 4 in the checkpoint, now 8") instead of silently
/// continuing another run. Settings that only say how long to train or how often to log, evaluate and save may
/// change, as in transformers' Trainer (a resumed run may get a larger <c>max_steps</c>).
/// </summary>
public static class RunSettings
{
    /// <summary>The options' fields, serialised with <paramref name="json"/> (one compact JSON value per name), less <paramref name="mayChange"/>.</summary>
    /// <param name="options">An options record.</param>
    /// <param name="json">Serialiser settings that give the names users know (e.g. TRL's snake_case).</param>
    /// <param name="mayChange">Names left out: those a resumed run may change.</param>
    public static SortedDictionary<string, string> From<T>(T options, JsonSerializerOptions json, IEnumerable<string> mayChange)
    {
        ArgumentNullException.ThrowIfNull(json);
        var skip = new HashSet<string>(mayChange, StringComparer.Ordinal);
        var node = JsonSerializer.SerializeToNode(options, json) as JsonObject
            ?? throw new ArgumentException("options must serialise to a JSON object", nameof(options));
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in node)
            if (!skip.Contains(name)) settings[name] = Canonical(value)?.ToJsonString() ?? "null";
        return settings;
    }

    // Object keys sorted, so reordering a map in a config file (reward_weights) is not a change.
    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Canonical)]),
        _ => node?.DeepClone(),
    };

    /// <summary>Refuses a resume whose settings differ from the checkpoint's, naming every difference.</summary>
    /// <param name="checkpointDirectory">The checkpoint being resumed (named in the message).</param>
    /// <param name="stored">Settings recorded in it; null (a checkpoint written before settings were recorded) accepts any.</param>
    /// <param name="current">This run's settings.</param>
    /// <exception cref="ConfigurationException">A setting differs.</exception>
    public static void ThrowIfChanged(string checkpointDirectory, IReadOnlyDictionary<string, string>? stored, IReadOnlyDictionary<string, string> current)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (stored is null) return;
        var changes = new List<string>();
        foreach (var name in stored.Keys.Union(current.Keys).Order(StringComparer.Ordinal))
        {
            bool had = stored.TryGetValue(name, out var before);
            bool has = current.TryGetValue(name, out var now);
            if (had && has && before == now) continue;
            changes.Add($"{name} was {(had ? before : "not set")} in the checkpoint, now {(has ? now : "not set")}");
        }
        if (changes.Count > 0)
            throw new ConfigurationException($"--resume: {string.Join("; ", changes)} ({checkpointDirectory}). " +
                "Resume with the checkpoint's settings, or start a new run (another output folder, or --overwrite).");
    }
}
