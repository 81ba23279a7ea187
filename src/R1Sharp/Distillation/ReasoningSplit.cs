namespace R1Sharp.Distillation;

/// <summary>
/// A response's chain of thought and its final answer. The reasoning is what stands before the last
/// <c>&lt;/think&gt;</c> (R1's templates open <c>&lt;think&gt;</c> in the prompt, so the opening tag may be absent);
/// a response without <c>&lt;/think&gt;</c> is all reasoning, so reasoning-only filters judge all of it.
/// </summary>
/// <param name="Reasoning">Text of the chain of thought, tags removed.</param>
/// <param name="Answer">Text after <c>&lt;/think&gt;</c> (empty when there is none).</param>
/// <param name="HasClosedReasoning">True when a <c>&lt;/think&gt;</c> was found.</param>
public sealed record ReasoningSplit(string Reasoning, string Answer, bool HasClosedReasoning)
{
    private const string Open = "<think>";
    private const string Close = "</think>";

    /// <summary>Splits <paramref name="response"/>.</summary>
    public static ReasoningSplit Of(string response)
    {
        ArgumentNullException.ThrowIfNull(response);
        int close = response.LastIndexOf(Close, StringComparison.Ordinal);
        if (close < 0) return new ReasoningSplit(StripOpen(response), "", false);
        return new ReasoningSplit(StripOpen(response[..close]), response[(close + Close.Length)..], true);
    }

    private static string StripOpen(string text)
    {
        string trimmed = text.TrimStart();
        return trimmed.StartsWith(Open, StringComparison.Ordinal) ? trimmed[Open.Length..] : text;
    }
}
