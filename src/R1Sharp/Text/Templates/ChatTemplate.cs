using System.Text.Json;
using R1Sharp.Text.Templates.Jinja;

namespace R1Sharp.Text.Templates;

/// <summary>
/// A model's chat template: renders a list of messages into the prompt text the model was trained on, exactly as
/// transformers' <c>apply_chat_template(..., tokenize=False)</c> does. Loaded from a model directory
/// (<c>chat_template.jinja</c>, else tokenizer_config.json's <c>chat_template</c>) or built in by name.
/// </summary>
public sealed class ChatTemplate
{
    /// <summary>The R1-Zero training prompt of the DeepSeek-R1 paper (Table 1), with the user's question as {prompt}.</summary>
    public const string R1ZeroSource =
        "{%- for message in messages -%}" +
        "{%- if message.role == 'user' -%}" +
        "A conversation between User and Assistant. The user asks a question, and the Assistant solves it. " +
        "The assistant first thinks about the reasoning process in the mind and then provides the user with the answer. " +
        "The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> tags, respectively, " +
        "i.e., <think> reasoning process here </think> <answer> answer here </answer>. User: {{ message.content }}. Assistant:" +
        "{%- elif message.role == 'assistant' %} {{ message.content }}" +
        "{%- endif -%}" +
        "{%- endfor -%}";

    /// <summary>Plain prompt/completion data: the messages' contents concatenated, nothing added.</summary>
    public const string PlainSource = "{%- for message in messages -%}{{ message.content }}{%- endfor -%}";

    private static readonly Dictionary<string, string> BuiltIns = new(StringComparer.Ordinal)
    {
        ["r1-zero"] = R1ZeroSource,
        ["plain"] = PlainSource,
    };

    private readonly JinjaTemplate _template;
    private readonly IReadOnlyDictionary<string, object?> _specialTokens;

    private ChatTemplate(string name, string source, TokenizerConfig config)
    {
        Name = name;
        _template = JinjaTemplate.Parse(source);
        // transformers passes the special tokens that are set (special_tokens_map) as template variables.
        var tokens = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (config.BosToken is not null) tokens["bos_token"] = config.BosToken;
        if (config.EosToken is not null) tokens["eos_token"] = config.EosToken;
        if (config.PadToken is not null) tokens["pad_token"] = config.PadToken;
        if (config.UnknownToken is not null) tokens["unk_token"] = config.UnknownToken;
        if (config.AdditionalSpecialTokens.Count > 0) tokens["additional_special_tokens"] = config.AdditionalSpecialTokens.Cast<object?>().ToList();
        _specialTokens = tokens;
    }

    /// <summary>Where the template came from (a file path or a built-in name).</summary>
    public string Name { get; }

    /// <summary>The Jinja source.</summary>
    public string Source => _template.Source;

    /// <summary>Names accepted by <see cref="BuiltIn"/>.</summary>
    public static IReadOnlyCollection<string> BuiltInNames => BuiltIns.Keys;

    /// <summary>
    /// Loads the template of a model directory: <c>chat_template.jinja</c> when present (it wins, as in transformers
    /// >= 4.43), else the <c>chat_template</c> of tokenizer_config.json. Special tokens come from tokenizer_config.json.
    /// </summary>
    /// <exception cref="FileNotFoundException">The directory has no chat template.</exception>
    /// <exception cref="TemplateException">The template uses an unsupported construct (with line:column).</exception>
    public static ChatTemplate Load(string modelDirectory)
    {
        if (!Directory.Exists(modelDirectory)) throw new DirectoryNotFoundException($"{modelDirectory}: model directory not found");
        var config = TokenizerConfig.Load(modelDirectory);
        string jinja = Path.Combine(modelDirectory, "chat_template.jinja");
        if (File.Exists(jinja)) return Create(jinja, File.ReadAllText(jinja), config);
        if (config.ChatTemplate is { } source) return Create(Path.Combine(modelDirectory, TokenizerConfig.FileName), source, config);
        throw new FileNotFoundException(
            $"{modelDirectory}: no chat template (neither chat_template.jinja nor a chat_template entry in {TokenizerConfig.FileName})");
    }

    /// <summary>A template from source, with the special tokens of <paramref name="config"/> (none when null).</summary>
    public static ChatTemplate FromSource(string source, TokenizerConfig? config = null) => Create("(source)", source, config ?? new TokenizerConfig());

    /// <summary>A built-in template: <c>r1-zero</c> (the paper's R1-Zero prompt) or <c>plain</c> (contents only).</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static ChatTemplate BuiltIn(string name) =>
        BuiltIns.TryGetValue(name, out var source)
            ? new ChatTemplate(name, source, new TokenizerConfig())
            : throw new ArgumentException($"unknown built-in template '{name}' (known: {string.Join(", ", BuiltIns.Keys)})", nameof(name));

    /// <summary>Renders messages given as (role, content) pairs.</summary>
    public string Render(IEnumerable<(string Role, string Content)> messages, ChatTemplateOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.Select(m => (object?)new Dictionary<string, object?> { ["role"] = m.Role, ["content"] = m.Content }).ToList();
        return RenderValues(list, options ?? new ChatTemplateOptions());
    }

    /// <summary>Renders a JSON array of message objects (role, content, and any other fields such as tool_calls).</summary>
    /// <exception cref="ArgumentException">The JSON is not an array of objects.</exception>
    public string Render(JsonElement messages, ChatTemplateOptions? options = null)
    {
        if (messages.ValueKind != JsonValueKind.Array) throw new ArgumentException("messages must be a JSON array", nameof(messages));
        int i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object)
                throw new ArgumentException($"messages[{i}] must be an object with role and content, found {message.ValueKind}", nameof(messages));
            if (!message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
                throw new ArgumentException($"messages[{i}].role must be a string", nameof(messages));
            i++;
        }
        return RenderValues(TemplateValues.FromJson(messages), options ?? new ChatTemplateOptions());
    }

    /// <summary>The R1-Zero style convenience: one user prompt (and no options).</summary>
    public string RenderPrompt(string prompt, ChatTemplateOptions? options = null) => Render([("user", prompt)], options);

    private string RenderValues(object? messages, ChatTemplateOptions options)
    {
        var clock = options.Clock;
        var variables = new Dictionary<string, object?>(_specialTokens, StringComparer.Ordinal)
        {
            ["messages"] = messages,
            ["tools"] = options.Tools,
            ["documents"] = null,
            ["add_generation_prompt"] = options.AddGenerationPrompt,
            ["strftime_now"] = new Func<IReadOnlyList<object?>, object?>(args =>
                PythonDateFormat.Format(clock.GetLocalNow(), args.Count > 0 && args[0] is string f ? f : throw new ArgumentException("strftime_now(format) needs a format string"))),
        };
        foreach (var (key, value) in options.Variables) variables[key] = value;
        return _template.Render(variables);
    }

    private static ChatTemplate Create(string name, string source, TokenizerConfig config)
    {
        try
        {
            return new ChatTemplate(name, source, config);
        }
        catch (TemplateException e)
        {
            throw new TemplateException(e.Position, $"{name}: {e.Problem}");
        }
    }
}
