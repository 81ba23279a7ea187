using System.Text.Json;
using R1Sharp.Data;
using R1Sharp.Training.Sft;

namespace R1Sharp.Distillation;

/// <summary>A prompt to send to the teacher, with the row it came from.</summary>
/// <param name="Id">Stable id: the row's <c>id</c>/<c>unique_id</c> field, else its line number.</param>
/// <param name="Messages">The messages sent.</param>
/// <param name="Row">The source row (gold answer etc.).</param>
public sealed record TeacherPrompt(string Id, IReadOnlyList<ConversationTurn> Messages, DatasetRow Row)
{
    private static readonly string[] TextFields = ["prompt", "problem", "question"];

    /// <summary>Builds the prompt of a row: its <c>messages</c> (up to the last user turn), or a user turn from
    /// <c>prompt</c>, <c>problem</c> or <c>question</c>; <paramref name="suffix"/> is appended to the last user turn.</summary>
    /// <exception cref="DatasetFormatException">The row has none of those fields.</exception>
    public static TeacherPrompt FromRow(DatasetRow row, string? suffix)
    {
        ArgumentNullException.ThrowIfNull(row);
        string id = row.GetString("id") ?? row.GetString("unique_id") ?? row.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        List<ConversationTurn> turns;
        if (row.Fields.TryGetValue("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            // The teacher answers the conversation as far as its last user turn; later assistant turns are the data set's own answers.
            var all = new ConversationReader().ReadMessageList(row, "messages");
            int lastUser = -1;
            for (int i = 0; i < all.Count; i++) if (all[i].Role == "user") lastUser = i;
            if (lastUser < 0) throw new DatasetFormatException(row.Source, row.Number, "field 'messages' has no user turn");
            turns = [.. all.Take(lastUser + 1)];
        }
        else
        {
            string? text = TextFields.Select(row.GetString).FirstOrDefault(t => !string.IsNullOrWhiteSpace(t));
            if (text is null)
                throw new DatasetFormatException(row.Source, row.Number,
                    $"no prompt: expected a 'messages' list or a 'prompt', 'problem' or 'question' field (fields present: {string.Join(", ", row.Fields.Keys)})");
            turns = [new ConversationTurn("user", text)];
        }
        if (!string.IsNullOrEmpty(suffix))
            turns[^1] = turns[^1] with { Content = turns[^1].Content.TrimEnd() + "\n" + suffix };
        return new TeacherPrompt(id, turns, row);
    }
}
