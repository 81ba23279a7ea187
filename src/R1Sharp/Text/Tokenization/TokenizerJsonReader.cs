using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace R1Sharp.Text.Tokenization;

/// <summary>
/// Reads a Hugging Face <c>tokenizer.json</c> (the "fast" layout) for byte-level BPE models. Any component it does not
/// implement is refused with its JSON path, so a tokenizer is never silently approximated.
/// </summary>
internal static class TokenizerJsonReader
{
    public static TokenizerDefinition Read(string file)
    {
        using var document = JsonFields.Parse(file);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new TokenizerFormatException(file, "$", "expected a JSON object");

        var model = JsonFields.Required(root, "model", file, "$");
        string? type = JsonFields.OptionalString(model, "type", file, "$.model");
        if (type is not null && type != "BPE")
            throw new TokenizerFormatException(file, "$.model.type", $"model type '{type}' is not supported (only byte-level BPE)");
        RefuseSet(model, "dropout", file, "$.model", "BPE dropout");
        if (JsonFields.OptionalBool(model, "byte_fallback", false, file, "$.model"))
            throw new TokenizerFormatException(file, "$.model.byte_fallback", "byte_fallback (SentencePiece-style BPE) is not supported");
        RefuseNonEmpty(model, "continuing_subword_prefix", file);
        RefuseNonEmpty(model, "end_of_word_suffix", file);

        var vocabulary = ReadVocabulary(JsonFields.Required(model, "vocab", file, "$.model"), file, "$.model.vocab");
        var merges = ReadMerges(JsonFields.Required(model, "merges", file, "$.model"), file);
        bool ignoreMerges = JsonFields.OptionalBool(model, "ignore_merges", false, file, "$.model");

        var added = new List<AddedToken>();
        if (JsonFields.Optional(root, "added_tokens") is { } list)
        {
            int i = 0;
            foreach (var item in list.EnumerateArray())
            {
                string path = $"$.added_tokens[{i++}]";
                added.Add(JsonFields.AddedTokenFrom(item, JsonFields.Int(JsonFields.Required(item, "id", file, path), file, path + ".id"), file, path));
            }
        }

        var normalizer = JsonFields.Optional(root, "normalizer") is { } n ? ReadNormalizer(n, file, "$.normalizer") : TextNormalizer.None;
        var preTokenizer = ReadPreTokenizer(JsonFields.Optional(root, "pre_tokenizer"), file);
        CheckDecoder(JsonFields.Optional(root, "decoder"), file, "$.decoder");
        string? prefix = JsonFields.Optional(root, "post_processor") is { } p ? ReadPostProcessorPrefix(p, file, "$.post_processor") : null;
        return new TokenizerDefinition(vocabulary, merges, ignoreMerges, added, normalizer, preTokenizer, prefix);
    }

    public static Dictionary<string, int> ReadVocabulary(JsonElement vocab, string file, string path)
    {
        if (vocab.ValueKind != JsonValueKind.Object) throw new TokenizerFormatException(file, path, "expected an object of token -> id");
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocab.EnumerateObject())
            result[entry.Name] = JsonFields.Int(entry.Value, file, $"{path}[\"{entry.Name}\"]");
        return result;
    }

    // Merges are "a b" strings in older files and ["a", "b"] pairs in files written by tokenizers >= 0.20.
    private static List<string> ReadMerges(JsonElement merges, string file)
    {
        if (merges.ValueKind != JsonValueKind.Array) throw new TokenizerFormatException(file, "$.model.merges", "expected a list");
        var result = new List<string>(merges.GetArrayLength());
        int i = 0;
        foreach (var item in merges.EnumerateArray())
        {
            string path = $"$.model.merges[{i++}]";
            if (item.ValueKind == JsonValueKind.String)
            {
                string merge = item.GetString()!;
                if (merge.Split(' ').Length != 2) throw new TokenizerFormatException(file, path, $"expected 'left right', found '{merge}'");
                result.Add(merge);
            }
            else if (item.ValueKind == JsonValueKind.Array && item.GetArrayLength() == 2 && item.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String))
            {
                string left = item[0].GetString()!, right = item[1].GetString()!;
                if (left.Contains(' ') || right.Contains(' '))
                    throw new TokenizerFormatException(file, path, "merge parts containing a space are not supported");
                result.Add(left + " " + right);
            }
            else
            {
                throw new TokenizerFormatException(file, path, "expected a string 'left right' or a pair of strings");
            }
        }
        return result;
    }

    private static TextNormalizer ReadNormalizer(JsonElement node, string file, string path)
    {
        var steps = new List<Func<string, string>>();
        var names = new List<string>();
        Collect(node, path);
        return new TextNormalizer(steps, names.Count == 0 ? "none" : string.Join("+", names));

        void Collect(JsonElement n, string at)
        {
            string type = JsonFields.OptionalString(n, "type", file, at) ?? throw new TokenizerFormatException(file, at + ".type", "required field is missing");
            switch (type)
            {
                case "NFC": steps.Add(TextNormalizer.FromForm(NormalizationForm.FormC)); names.Add(type); break;
                case "NFD": steps.Add(TextNormalizer.FromForm(NormalizationForm.FormD)); names.Add(type); break;
                case "NFKC": steps.Add(TextNormalizer.FromForm(NormalizationForm.FormKC)); names.Add(type); break;
                case "NFKD": steps.Add(TextNormalizer.FromForm(NormalizationForm.FormKD)); names.Add(type); break;
                case "Lowercase": steps.Add(s => s.ToLowerInvariant()); names.Add(type); break;
                case "Sequence":
                    int i = 0;
                    foreach (var child in JsonFields.Required(n, "normalizers", file, at).EnumerateArray()) Collect(child, $"{at}.normalizers[{i++}]");
                    break;
                default:
                    throw new TokenizerFormatException(file, at + ".type", $"normalizer '{type}' is not supported (supported: NFC, NFD, NFKC, NFKD, Lowercase, Sequence)");
            }
        }
    }

    private static PreTokenizerPipeline ReadPreTokenizer(JsonElement? node, string file)
    {
        if (node is null) throw new TokenizerFormatException(file, "$.pre_tokenizer", "byte-level BPE needs a ByteLevel pre-tokenizer; none is set");
        var splits = new List<SplitPattern>();
        bool sawByteLevel = false, addPrefixSpace = false;
        Collect(node.Value, "$.pre_tokenizer");
        if (!sawByteLevel) throw new TokenizerFormatException(file, "$.pre_tokenizer", "byte-level BPE needs a ByteLevel pre-tokenizer; none is set");
        return new PreTokenizerPipeline(splits, addPrefixSpace);

        void Collect(JsonElement n, string at)
        {
            string type = JsonFields.OptionalString(n, "type", file, at) ?? throw new TokenizerFormatException(file, at + ".type", "required field is missing");
            switch (type)
            {
                case "Sequence":
                    int i = 0;
                    foreach (var child in JsonFields.Required(n, "pretokenizers", file, at).EnumerateArray()) Collect(child, $"{at}.pretokenizers[{i++}]");
                    break;
                case "Split":
                    string behavior = JsonFields.OptionalString(n, "behavior", file, at) ?? "Isolated";
                    if (behavior != "Isolated") throw new TokenizerFormatException(file, at + ".behavior", $"Split behavior '{behavior}' is not supported (only Isolated)");
                    if (JsonFields.OptionalBool(n, "invert", false, file, at)) throw new TokenizerFormatException(file, at + ".invert", "inverted Split is not supported");
                    splits.Add(new SplitPattern(ReadPattern(JsonFields.Required(n, "pattern", file, at), at + ".pattern")));
                    break;
                case "ByteLevel":
                    if (sawByteLevel) throw new TokenizerFormatException(file, at, "a second ByteLevel pre-tokenizer is not supported");
                    sawByteLevel = true;
                    addPrefixSpace = JsonFields.OptionalBool(n, "add_prefix_space", false, file, at);
                    if (JsonFields.OptionalBool(n, "use_regex", true, file, at)) splits.Add(new SplitPattern(PreTokenizerPatterns.Gpt2));
                    break;
                default:
                    throw new TokenizerFormatException(file, at + ".type", $"pre-tokenizer '{type}' is not supported (supported: ByteLevel, Split with Isolated behaviour, Sequence)");
            }
        }

        string ReadPattern(JsonElement pattern, string at)
        {
            if (JsonFields.OptionalString(pattern, "Regex", file, at) is { } regex)
            {
                try
                {
                    _ = new Regex(regex);
                }
                catch (ArgumentException e)
                {
                    throw new TokenizerFormatException(file, at + ".Regex", ".NET cannot compile this regex: " + e.Message);
                }
                return regex;
            }
            if (JsonFields.OptionalString(pattern, "String", file, at) is { } literal) return Regex.Escape(literal);
            throw new TokenizerFormatException(file, at, "expected {\"Regex\": ...} or {\"String\": ...}");
        }
    }

    private static void CheckDecoder(JsonElement? node, string file, string path)
    {
        if (node is null) return;
        string type = JsonFields.OptionalString(node.Value, "type", file, path) ?? throw new TokenizerFormatException(file, path + ".type", "required field is missing");
        if (type == "ByteLevel") return;
        if (type == "Sequence")
        {
            int i = 0;
            foreach (var child in JsonFields.Required(node.Value, "decoders", file, path).EnumerateArray()) CheckDecoder(child, file, $"{path}.decoders[{i++}]");
            return;
        }
        throw new TokenizerFormatException(file, path + ".type", $"decoder '{type}' is not supported (only ByteLevel)");
    }

    // Returns the special token the post-processor puts before the text (Llama 3's <|begin_of_text|>), or null.
    private static string? ReadPostProcessorPrefix(JsonElement node, string file, string path)
    {
        string type = JsonFields.OptionalString(node, "type", file, path) ?? throw new TokenizerFormatException(file, path + ".type", "required field is missing");
        switch (type)
        {
            case "ByteLevel":
                return null;
            case "Sequence":
                string? prefix = null;
                int i = 0;
                foreach (var child in JsonFields.Required(node, "processors", file, path).EnumerateArray())
                    prefix = ReadPostProcessorPrefix(child, file, $"{path}.processors[{i++}]") ?? prefix;
                return prefix;
            case "TemplateProcessing":
                var single = JsonFields.Required(node, "single", file, path);
                var pieces = single.EnumerateArray().ToList();
                int sequenceAt = pieces.FindIndex(p => JsonFields.Optional(p, "Sequence") is not null);
                if (sequenceAt < 0 || sequenceAt > 1 || sequenceAt != pieces.Count - 1)
                    throw new TokenizerFormatException(file, path + ".single", "only templates of the form [special token] $A are supported");
                if (sequenceAt == 0) return null;
                var special = JsonFields.Required(pieces[0], "SpecialToken", file, path + ".single[0]");
                return JsonFields.OptionalString(special, "id", file, path + ".single[0].SpecialToken")
                    ?? throw new TokenizerFormatException(file, path + ".single[0].SpecialToken.id", "required field is missing");
            default:
                throw new TokenizerFormatException(file, path + ".type", $"post-processor '{type}' is not supported (supported: ByteLevel, TemplateProcessing with a leading special token, Sequence)");
        }
    }

    private static void RefuseSet(JsonElement obj, string name, string file, string path, string what)
    {
        if (JsonFields.Optional(obj, name) is { } value && !(value.ValueKind == JsonValueKind.Number && value.GetDouble() == 0))
            throw new TokenizerFormatException(file, $"{path}.{name}", what + " is not supported");
    }

    private static void RefuseNonEmpty(JsonElement model, string name, string file)
    {
        if (!string.IsNullOrEmpty(JsonFields.OptionalString(model, name, file, "$.model")))
            throw new TokenizerFormatException(file, "$.model." + name, name + " is not supported for byte-level BPE");
    }
}
