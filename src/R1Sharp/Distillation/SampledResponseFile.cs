using System.Text.Json;
using R1Sharp.Data;
using R1Sharp.IO;
using R1Sharp.Training.Sft;

namespace R1Sharp.Distillation;

/// <summary>Reads and writes the JSONL files of distillation: sampled responses, and SFT-ready conversations.</summary>
public static class SampledResponseFile
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = null,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>One JSONL line (no newline) for a response.</summary>
    public static string ToLine(SampledResponse response) => JsonSerializer.Serialize(response, Json);

    /// <summary>Reads every response of a samples file.</summary>
    /// <exception cref="DatasetFormatException">A line is not a valid response; the message names file and line.</exception>
    public static async Task<IReadOnlyList<SampledResponse>> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var responses = new List<SampledResponse>();
        await foreach (var row in DatasetReader.ReadAsync(path, cancellationToken).ConfigureAwait(false))
            responses.Add(Parse(row));
        return responses;
    }

    /// <summary>Converts one data-set row to a response.</summary>
    /// <exception cref="DatasetFormatException">A required field is missing or of the wrong type.</exception>
    public static SampledResponse Parse(DatasetRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        string promptId = row.RequireString("prompt_id");
        string response = row.GetString("response") ?? throw new DatasetFormatException(row.Source, row.Number, "field 'response' is missing");
        int sampleIndex = row.Fields.TryGetValue("sample_index", out var si) && si.ValueKind == JsonValueKind.Number ? si.GetInt32() : 0;
        string finish = row.GetString("finish_reason") ?? SampledResponse.StopFinish;
        int? tokens = row.Fields.TryGetValue("completion_tokens", out var ct) && ct.ValueKind == JsonValueKind.Number ? ct.GetInt32() : null;

        var prompt = new List<ConversationTurn>();
        if (row.Fields.TryGetValue("prompt", out var p))
        {
            if (p.ValueKind == JsonValueKind.String) prompt.Add(new ConversationTurn("user", p.GetString()!));
            else if (p.ValueKind == JsonValueKind.Array)
            {
                foreach (var m in p.EnumerateArray())
                {
                    if (m.ValueKind != JsonValueKind.Object || !m.TryGetProperty("role", out var role) || !m.TryGetProperty("content", out var content)
                        || role.ValueKind != JsonValueKind.String || content.ValueKind != JsonValueKind.String)
                        throw new DatasetFormatException(row.Source, row.Number, "field 'prompt' must be a list of {role, content} messages");
                    prompt.Add(new ConversationTurn(role.GetString()!, content.GetString()!));
                }
            }
        }
        if (prompt.Count == 0) throw new DatasetFormatException(row.Source, row.Number, "field 'prompt' is missing or empty");

        var rewards = new Dictionary<string, double?>(StringComparer.Ordinal);
        if (row.Fields.TryGetValue("rewards", out var r))
        {
            if (r.ValueKind != JsonValueKind.Object)
                throw new DatasetFormatException(row.Source, row.Number, "field 'rewards' must be an object of name -> score");
            foreach (var property in r.EnumerateObject())
            {
                rewards[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.Number => property.Value.GetDouble(),
                    JsonValueKind.Null => null,
                    _ => throw new DatasetFormatException(row.Source, row.Number, $"rewards.{property.Name} must be a number or null"),
                };
            }
        }
        IReadOnlyDictionary<string, JsonElement>? source = null;
        if (row.Fields.TryGetValue("row", out var rowField) && rowField.ValueKind == JsonValueKind.Object)
            source = rowField.EnumerateObject().ToDictionary(x => x.Name, x => x.Value.Clone(), StringComparer.Ordinal);
        return new SampledResponse(promptId, sampleIndex, prompt, response, finish, tokens, rewards, source);
    }

    /// <summary>Writes kept responses as SFT conversations (<c>messages</c> = prompt + assistant response), atomically.</summary>
    public static Task WriteConversationsAsync(string path, IEnumerable<SampledResponse> responses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(responses);
        var lines = responses.Select(r => JsonSerializer.Serialize(new
        {
            messages = r.Prompt.Select(t => new { role = t.Role, content = t.Content })
                .Append(new { role = ConversationTurn.AssistantRole, content = r.Response }),
            prompt_id = r.PromptId,
            sample_index = r.SampleIndex,
        }, Json));
        return AtomicFile.WriteAllTextAsync(path, string.Concat(lines.Select(l => l + "\n")), cancellationToken);
    }
}
