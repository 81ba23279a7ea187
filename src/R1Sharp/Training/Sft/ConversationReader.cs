using System.Text.Json;
using R1Sharp.Data;

namespace R1Sharp.Training.Sft;

/// <summary>
/// Reads SFT conversations from data-set rows in the layouts TRL's SFTTrainer accepts:
/// <list type="bullet">
/// <item><c>messages</c> (or ShareGPT's <c>conversations</c> with <c>from</c>/<c>value</c>): a list of messages;</item>
/// <item><c>prompt</c> + <c>completion</c>: two strings (user turn, assistant turn) or two message lists.</item>
/// </list>
/// With a <see cref="ColdStartFormat"/>, an assistant message's <c>reasoning_content</c>/<c>reasoning</c> field (or
/// the row's, for prompt/completion rows) is folded into the turn as R1's cold-start format.
/// Every malformed row is an error naming the file, line and field.
/// </summary>
public sealed class ConversationReader
{
    private static readonly string[] ReasoningFields = ["reasoning_content", "reasoning"];
    private readonly ColdStartFormat? _coldStart;

    /// <summary>Creates a reader.</summary>
    /// <param name="coldStart">Format for rows with separate reasoning; null keeps the text as written (reasoning fields ignored).</param>
    public ConversationReader(ColdStartFormat? coldStart = null) => _coldStart = coldStart;

    /// <summary>Reads every row of a data file.</summary>
    /// <exception cref="DatasetFormatException">A row has no usable conversation; the message names file and line.</exception>
    public async Task<IReadOnlyList<Conversation>> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var conversations = new List<Conversation>();
        await foreach (var row in DatasetReader.ReadAsync(path, cancellationToken).ConfigureAwait(false))
            conversations.Add(Read(row));
        if (conversations.Count == 0)
            throw new DatasetFormatException(path, 0, "the file holds no rows");
        return conversations;
    }

    /// <summary>Reads one row.</summary>
    /// <exception cref="DatasetFormatException">The row has no usable conversation.</exception>
    public Conversation Read(DatasetRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        List<ConversationTurn> turns;
        if (row.Fields.TryGetValue("messages", out var messages))
            turns = ReadMessages(row, "messages", messages);
        else if (row.Fields.TryGetValue("conversations", out var conversations))
            turns = ReadMessages(row, "conversations", conversations);
        else if (row.Fields.ContainsKey("prompt") && row.Fields.ContainsKey("completion"))
            turns = ReadPromptCompletion(row);
        else
            throw Error(row, $"expected a 'messages' column or 'prompt' and 'completion' columns (fields present: {string.Join(", ", row.Fields.Keys)})");

        if (!turns.Any(t => t.IsAssistant))
            throw Error(row, "the conversation has no assistant message, so there is nothing to train on");
        return new Conversation(turns, row.Location);
    }

    /// <summary>Reads a list of messages of a row without requiring an assistant turn (prompts for sampling).</summary>
    /// <exception cref="DatasetFormatException">The field is missing or malformed.</exception>
    public IReadOnlyList<ConversationTurn> ReadMessageList(DatasetRow row, string field)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (!row.Fields.TryGetValue(field, out var value)) throw Error(row, $"field '{field}' is missing");
        return ReadMessages(row, field, value);
    }

    private List<ConversationTurn> ReadPromptCompletion(DatasetRow row)
    {
        var prompt = row.Fields["prompt"];
        var completion = row.Fields["completion"];
        if (prompt.ValueKind == JsonValueKind.Array && completion.ValueKind == JsonValueKind.Array)
        {
            var turns = ReadMessages(row, "prompt", prompt);
            turns.AddRange(ReadMessages(row, "completion", completion));
            return turns;
        }
        if (prompt.ValueKind != JsonValueKind.String || completion.ValueKind != JsonValueKind.String)
            throw Error(row, "'prompt' and 'completion' must both be strings or both be lists of messages");
        string answer = completion.GetString()!;
        string? reasoning = ReasoningFields.Select(row.GetString).FirstOrDefault(r => !string.IsNullOrWhiteSpace(r));
        if (_coldStart is not null && reasoning is not null)
            answer = _coldStart.Compose(reasoning, answer);
        if (string.IsNullOrWhiteSpace(answer))
            throw Error(row, "field 'completion' is empty");
        return [new ConversationTurn("user", prompt.GetString()!), new ConversationTurn(ConversationTurn.AssistantRole, answer)];
    }

    private List<ConversationTurn> ReadMessages(DatasetRow row, string field, JsonElement value)
    {
        // Parquet stores nested lists as JSON text after DatasetReader's conversion.
        if (value.ValueKind == JsonValueKind.String)
        {
            try { value = JsonDocument.Parse(value.GetString()!).RootElement.Clone(); }
            catch (JsonException) { throw Error(row, $"field '{field}' must be a list of messages, found text"); }
        }
        if (value.ValueKind != JsonValueKind.Array)
            throw Error(row, $"field '{field}' must be a list of messages, found a {value.ValueKind.ToString().ToLowerInvariant()}");
        var turns = new List<ConversationTurn>();
        int index = 0;
        foreach (var message in value.EnumerateArray())
        {
            string where = $"{field}[{index++}]";
            if (message.ValueKind != JsonValueKind.Object)
                throw Error(row, $"{where} must be an object with 'role' and 'content'");
            string role = NormaliseRole(ReadText(row, message, where, "role", "from"));
            string content = ReadText(row, message, where, "content", "value", allowEmpty: role != ConversationTurn.AssistantRole);
            if (_coldStart is not null && role == ConversationTurn.AssistantRole)
            {
                foreach (var name in ReasoningFields)
                {
                    if (message.TryGetProperty(name, out var reasoning) && reasoning.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(reasoning.GetString()))
                    {
                        content = _coldStart.Compose(reasoning.GetString()!, content);
                        break;
                    }
                }
            }
            turns.Add(new ConversationTurn(role, content));
        }
        if (turns.Count == 0)
            throw Error(row, $"field '{field}' is an empty list");
        return turns;
    }

    private static string ReadText(DatasetRow row, JsonElement message, string where, string name, string alternative, bool allowEmpty = false)
    {
        if (!message.TryGetProperty(name, out var value) && !message.TryGetProperty(alternative, out value))
            throw Error(row, $"{where} has no '{name}'");
        if (value.ValueKind != JsonValueKind.String)
            throw Error(row, $"{where}.{name} must be a string, found a {value.ValueKind.ToString().ToLowerInvariant()}");
        string text = value.GetString()!;
        if (!allowEmpty && string.IsNullOrWhiteSpace(text))
            throw Error(row, $"{where}.{name} is empty");
        return text;
    }

    // ShareGPT's role names, mapped to the ones chat templates expect.
    private static string NormaliseRole(string role) => role switch
    {
        "human" => "user",
        "gpt" or "model" => ConversationTurn.AssistantRole,
        _ => role,
    };

    private static DatasetFormatException Error(DatasetRow row, string problem) => new(row.Source, row.Number, problem);
}
