using System.Text.Json;

namespace R1Sharp.Tasks;

/// <summary>One generated problem of a built-in task.</summary>
/// <param name="Family">Task family name (<c>countdown</c>, <c>arithmetic</c>).</param>
/// <param name="Question">The question as the user asks it (goes into the template's <c>{prompt}</c>).</param>
/// <param name="Answer">A correct answer (for Countdown one of possibly many correct expressions).</param>
/// <param name="Numbers">The given numbers (Countdown) or the operands in order (arithmetic).</param>
/// <param name="Target">The number to reach (Countdown) or the exact result (arithmetic).</param>
/// <param name="Expression">The expression the generator built (used to write worked solutions).</param>
public sealed record ReasoningProblem(string Family, string Question, string Answer, IReadOnlyList<int> Numbers, long Target, string Expression)
{
    /// <summary>
    /// What makes two problems the same problem, used to keep held-out problems out of every training stream. Not the
    /// question text: a Countdown question lists its numbers in the order drawn, so "5, 3, 7 -> 22" and "3, 5, 7 -> 22"
    /// are one problem; its key is the sorted multiset of numbers and the target. Other families are keyed by the
    /// expression they state (written without spaces by the generator).
    /// </summary>
    public string Key => Family == "countdown"
        ? $"{Family}|{string.Join(",", Numbers.Order())}|{Target}"
        : $"{Family}|{Expression}";

    /// <summary>The problem as a data-set row (what reward functions receive): family, question, answer, numbers, target.</summary>
    public IReadOnlyDictionary<string, JsonElement> ToRow() => new Dictionary<string, JsonElement>
    {
        ["family"] = JsonSerializer.SerializeToElement(Family),
        ["question"] = JsonSerializer.SerializeToElement(Question),
        ["answer"] = JsonSerializer.SerializeToElement(Answer),
        ["numbers"] = JsonSerializer.SerializeToElement(Numbers),
        ["target"] = JsonSerializer.SerializeToElement(Target),
    };

    /// <summary>Rebuilds a problem from a row written by <see cref="ToRow"/>.</summary>
    /// <exception cref="FormatException">A field is missing or of the wrong kind (the message names it).</exception>
    public static ReasoningProblem FromRow(IReadOnlyDictionary<string, JsonElement> row)
    {
        ArgumentNullException.ThrowIfNull(row);
        string Text(string name) => row.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()! : throw new FormatException($"Task row field '{name}' is missing or not a string.");
        if (!row.TryGetValue("numbers", out var numbers) || numbers.ValueKind != JsonValueKind.Array)
            throw new FormatException("Task row field 'numbers' is missing or not an array.");
        if (!row.TryGetValue("target", out var target) || !target.TryGetInt64(out long targetValue))
            throw new FormatException("Task row field 'target' is missing or not an integer.");
        return new ReasoningProblem(Text("family"), Text("question"), Text("answer"),
            numbers.EnumerateArray().Select(n => n.GetInt32()).ToArray(), targetValue, Text("answer"));
    }
}
