namespace R1Sharp.Tools;

/// <summary>
/// How a tool's output is appended to the conversation, as the chat template renders a tool message after the
/// assistant's call and then opens the next assistant turn. The text between <see cref="Prefix"/> and <see cref="Suffix"/>
/// is the output; the whole is tokenized and appended to the completion, masked out of the loss.
/// </summary>
/// <param name="Prefix">Text before the output.</param>
/// <param name="Suffix">Text after it.</param>
public sealed record ToolMessageFormat(string Prefix, string Suffix)
{
    /// <summary>
    /// Qwen's ChatML template (Qwen2.5, Qwen3): the assistant turn ends, a user turn holds
    /// <c>&lt;tool_response&gt;</c>, and a new assistant turn begins — what its Jinja template renders for a <c>tool</c> message
    /// followed by the generation prompt.
    /// </summary>
    public static ToolMessageFormat ChatMl { get; } = new(
        "<|im_end|>\n<|im_start|>user\n<tool_response>\n", "\n</tool_response><|im_end|>\n<|im_start|>assistant\n");

    /// <summary>Plain-text prompts (the R1-Zero template, built-in models): the output in an <c>```output</c> fence, as in tool-integrated reasoning papers.</summary>
    public static ToolMessageFormat Plain { get; } = new("\n```output\n", "\n```\n");

    /// <summary>The tool message holding <paramref name="output"/>.</summary>
    public string Render(string output) => Prefix + output + Suffix;
}
