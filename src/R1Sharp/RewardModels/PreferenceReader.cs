using System.Text.Json;
using R1Sharp.Data;
using R1Sharp.Training.Sft;

namespace R1Sharp.RewardModels;

/// <summary>
/// Reads preference pairs in the layouts TRL's RewardTrainer takes, from JSONL, JSON or Parquet:
/// <list type="bullet">
/// <item>standard: <c>{"prompt": "...", "chosen": "...", "rejected": "..."}</c> (prompt optional: "implicit prompt"),
/// read as <c>prompt + chosen</c> and <c>prompt + rejected</c>, as TRL concatenates them;</item>
/// <item>conversational: <c>chosen</c> and <c>rejected</c> lists of messages (and optionally a <c>prompt</c> list),
/// rendered with the model's chat template (<see cref="IConversationRenderer"/>).</item>
/// </list>
/// Every malformed row is an error naming its file and line.
/// </summary>
public sealed class PreferenceReader(IConversationRenderer renderer)
{
    private readonly ConversationReader _messages = new();

    /// <summary>Reads every row of a file.</summary>
    /// <exception cref="DatasetFormatException">A row is malformed or the file is empty (file and line named).</exception>
    public async Task<IReadOnlyList<PreferencePair>> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var pairs = new List<PreferencePair>();
        await foreach (var row in DatasetReader.ReadAsync(path, cancellationToken).ConfigureAwait(false))
            pairs.Add(Read(row));
        if (pairs.Count == 0) throw new DatasetFormatException(path, 0, "the file holds no rows");
        return pairs;
    }

    /// <summary>Reads one row.</summary>
    /// <exception cref="DatasetFormatException">The row is malformed.</exception>
    public PreferencePair Read(DatasetRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (!row.Fields.TryGetValue("chosen", out var chosen) || !row.Fields.TryGetValue("rejected", out var rejected))
            throw Error(row, $"expected 'chosen' and 'rejected' columns (and optionally 'prompt'); fields present: {string.Join(", ", row.Fields.Keys)}");
        bool conversational = IsMessageList(chosen);
        if (conversational != IsMessageList(rejected))
            throw Error(row, "'chosen' and 'rejected' must both be strings or both be lists of messages");
        row.Fields.TryGetValue("prompt", out var prompt);
        bool hasPrompt = row.Fields.ContainsKey("prompt") && prompt.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);
        if (conversational)
        {
            var promptTurns = hasPrompt ? _messages.ReadMessageList(row, "prompt") : [];
            string Render(string field) => renderer.Render([.. promptTurns, .. _messages.ReadMessageList(row, field)], addGenerationPrompt: false);
            return new PreferencePair(Render("chosen"), Render("rejected"), row.Location);
        }
        if (hasPrompt && prompt.ValueKind != JsonValueKind.String)
            throw Error(row, "'prompt' must be a string when 'chosen' and 'rejected' are strings");
        string promptText = hasPrompt ? prompt.GetString()! : "";
        return new PreferencePair(promptText + Text(row, "chosen", chosen), promptText + Text(row, "rejected", rejected), row.Location);
    }

    private static string Text(DatasetRow row, string field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String) throw Error(row, $"'{field}' must be a string or a list of messages, found a {value.ValueKind.ToString().ToLowerInvariant()}");
        string text = value.GetString()!;
        if (string.IsNullOrWhiteSpace(text)) throw Error(row, $"'{field}' is empty");
        return text;
    }

    // Parquet stores nested lists as JSON text after DatasetReader's conversion.
    private static bool IsMessageList(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Array) return true;
        if (value.ValueKind != JsonValueKind.String) return false;
        string text = value.GetString()!.TrimStart();
        if (!text.StartsWith("[{", StringComparison.Ordinal) && !text.StartsWith("[ {", StringComparison.Ordinal)) return false;
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Array;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static DatasetFormatException Error(DatasetRow row, string problem) => new(row.Source, row.Number, problem);
}
