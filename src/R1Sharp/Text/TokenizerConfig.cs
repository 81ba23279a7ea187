using System.Globalization;
using System.Text.Json;
using R1Sharp.Text.Tokenization;

namespace R1Sharp.Text;

/// <summary>
/// What a model directory's <c>tokenizer_config.json</c> and <c>generation_config.json</c> say about special tokens
/// and chat templates. Either file may be missing; then its values are empty.
/// </summary>
public sealed record TokenizerConfig
{
    /// <summary>File name of the tokenizer settings in a Hugging Face model directory.</summary>
    public const string FileName = "tokenizer_config.json";

    /// <summary>File name of the generation defaults in a Hugging Face model directory.</summary>
    public const string GenerationFileName = "generation_config.json";

    /// <summary>The <c>bos_token</c> text (null for Qwen2.5).</summary>
    public string? BosToken { get; init; }

    /// <summary>The <c>eos_token</c> text.</summary>
    public string? EosToken { get; init; }

    /// <summary>The <c>pad_token</c> text.</summary>
    public string? PadToken { get; init; }

    /// <summary>The <c>unk_token</c> text.</summary>
    public string? UnknownToken { get; init; }

    /// <summary>The <c>additional_special_tokens</c> list.</summary>
    public IReadOnlyList<string> AdditionalSpecialTokens { get; init; } = [];

    /// <summary><c>add_bos_token</c>; null when the file does not say (then tokenizer.json's post-processor decides).</summary>
    public bool? AddBosToken { get; init; }

    /// <summary>The <c>tokenizer_class</c> (e.g. Qwen2Tokenizer), used to pick the split regex of the vocab.json + merges.txt layout.</summary>
    public string? TokenizerClass { get; init; }

    /// <summary>The default <c>chat_template</c> string, if the file has one.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>Named templates when <c>chat_template</c> is a list of {name, template} (the default one is also in <see cref="ChatTemplate"/>).</summary>
    public IReadOnlyDictionary<string, string> NamedChatTemplates { get; init; } = new Dictionary<string, string>();

    /// <summary>The <c>added_tokens_decoder</c> entries.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; init; } = [];

    /// <summary>generation_config.json's <c>eos_token_id</c> (one id or a list).</summary>
    public IReadOnlyList<int> GenerationEosIds { get; init; } = [];

    /// <summary>generation_config.json's <c>pad_token_id</c>.</summary>
    public int? GenerationPadId { get; init; }

    /// <summary>Reads the two files of <paramref name="modelDirectory"/> (each optional).</summary>
    public static TokenizerConfig Load(string modelDirectory)
    {
        var config = new TokenizerConfig();
        string path = Path.Combine(modelDirectory, FileName);
        if (File.Exists(path)) config = Read(path);
        string generation = Path.Combine(modelDirectory, GenerationFileName);
        if (File.Exists(generation)) config = WithGeneration(config, generation);
        return config;
    }

    /// <summary>Reads one tokenizer_config.json.</summary>
    public static TokenizerConfig Read(string file)
    {
        using var document = JsonFields.Parse(file);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new TokenizerFormatException(file, "$", "expected a JSON object");
        var (template, named) = ReadTemplates(root, file);
        return new TokenizerConfig
        {
            BosToken = JsonFields.TokenText(root, "bos_token", file, "$"),
            EosToken = JsonFields.TokenText(root, "eos_token", file, "$"),
            PadToken = JsonFields.TokenText(root, "pad_token", file, "$"),
            UnknownToken = JsonFields.TokenText(root, "unk_token", file, "$"),
            AdditionalSpecialTokens = ReadAdditional(root, file),
            AddBosToken = JsonFields.Optional(root, "add_bos_token") is null ? null : JsonFields.OptionalBool(root, "add_bos_token", false, file, "$"),
            TokenizerClass = JsonFields.OptionalString(root, "tokenizer_class", file, "$"),
            ChatTemplate = template,
            NamedChatTemplates = named,
            AddedTokens = ReadAddedTokensDecoder(root, file),
        };
    }

    private static TokenizerConfig WithGeneration(TokenizerConfig config, string file)
    {
        using var document = JsonFields.Parse(file);
        var root = document.RootElement;
        var eos = new List<int>();
        var value = JsonFields.Optional(root, "eos_token_id");
        if (value is { ValueKind: JsonValueKind.Array } list)
        {
            int i = 0;
            foreach (var item in list.EnumerateArray()) eos.Add(JsonFields.Int(item, file, $"$.eos_token_id[{i++}]"));
        }
        else if (value is { } single)
        {
            eos.Add(JsonFields.Int(single, file, "$.eos_token_id"));
        }
        var pad = JsonFields.Optional(root, "pad_token_id");
        return config with
        {
            GenerationEosIds = eos,
            GenerationPadId = pad is { } p ? JsonFields.Int(p, file, "$.pad_token_id") : null,
        };
    }

    private static (string? Default, Dictionary<string, string> Named) ReadTemplates(JsonElement root, string file)
    {
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        var value = JsonFields.Optional(root, "chat_template");
        if (value is null) return (null, named);
        if (value.Value.ValueKind == JsonValueKind.String) return (value.Value.GetString(), named);
        if (value.Value.ValueKind != JsonValueKind.Array)
            throw new TokenizerFormatException(file, "$.chat_template", "expected a string or a list of {name, template}");
        int i = 0;
        foreach (var item in value.Value.EnumerateArray())
        {
            string path = $"$.chat_template[{i++}]";
            string name = JsonFields.OptionalString(item, "name", file, path) ?? throw new TokenizerFormatException(file, path + ".name", "required field is missing");
            named[name] = JsonFields.OptionalString(item, "template", file, path) ?? throw new TokenizerFormatException(file, path + ".template", "required field is missing");
        }
        return (named.GetValueOrDefault("default"), named);
    }

    private static List<string> ReadAdditional(JsonElement root, string file)
    {
        var result = new List<string>();
        if (JsonFields.Optional(root, "additional_special_tokens") is not { } list) return result;
        if (list.ValueKind != JsonValueKind.Array)
            throw new TokenizerFormatException(file, "$.additional_special_tokens", "expected a list");
        int i = 0;
        foreach (var item in list.EnumerateArray())
        {
            string path = $"$.additional_special_tokens[{i++}]";
            result.Add(item.ValueKind switch
            {
                JsonValueKind.String => item.GetString()!,
                JsonValueKind.Object => JsonFields.OptionalString(item, "content", file, path) ?? throw new TokenizerFormatException(file, path, "missing content"),
                _ => throw new TokenizerFormatException(file, path, "expected a string"),
            });
        }
        return result;
    }

    private static List<AddedToken> ReadAddedTokensDecoder(JsonElement root, string file)
    {
        var result = new List<AddedToken>();
        if (JsonFields.Optional(root, "added_tokens_decoder") is not { } map) return result;
        if (map.ValueKind != JsonValueKind.Object)
            throw new TokenizerFormatException(file, "$.added_tokens_decoder", "expected an object of id -> token");
        foreach (var entry in map.EnumerateObject())
        {
            string path = $"$.added_tokens_decoder[\"{entry.Name}\"]";
            if (!int.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
                throw new TokenizerFormatException(file, path, "the key must be a non-negative integer id");
            result.Add(JsonFields.AddedTokenFrom(entry.Value, id, file, path));
        }
        return result;
    }
}
