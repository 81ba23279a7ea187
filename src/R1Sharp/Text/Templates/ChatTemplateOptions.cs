namespace R1Sharp.Text.Templates;

/// <summary>Settings of one chat-template rendering, as the keyword arguments of transformers' <c>apply_chat_template</c>.</summary>
public sealed record ChatTemplateOptions
{
    /// <summary>
    /// Append the start of an assistant turn so the model continues as the assistant. Default false
    /// (transformers' <c>add_generation_prompt=False</c>).
    /// </summary>
    public bool AddGenerationPrompt { get; init; }

    /// <summary>
    /// Tool (function) schemas passed as <c>tools</c>; null renders as <c>None</c>, as in transformers (default null).
    /// A <c>JsonElement</c> array or a list of dictionaries.
    /// </summary>
    public object? Tools { get; init; }

    /// <summary>
    /// The clock behind <c>strftime_now</c> (Llama 3.x prints today's date). Default <see cref="TimeProvider.System"/>;
    /// tests and <c>r1 template --now</c> fix it. Local time is used, as Python's <c>datetime.now()</c>.
    /// </summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Further variables for the template (e.g. Llama's <c>date_string</c>), as extra kwargs of apply_chat_template. Default none.</summary>
    public IReadOnlyDictionary<string, object?> Variables { get; init; } = new Dictionary<string, object?>();
}
