using System.Text.Json;
using System.Text.Json.Nodes;
using R1Sharp.Testing;

namespace R1Sharp.Tests.Text.Tokenization;

/// <summary>
/// Builds tokenizer directories for tests from the real Qwen2.5 vocab.json / merges.txt: a tokenizer.json as Hugging
/// Face writes it for Qwen2 (NFC, Qwen's split regex, ByteLevel) and a Llama-3-style one (Llama 3's regex,
/// ignore_merges, a BOS post-processor) over the same vocabulary. Built once per test run.
/// </summary>
internal static class TokenizerFixtureFiles
{
    private static readonly Lazy<string> QwenJsonDir = new(() => Build("qwen2", BuildQwen2Json));
    private static readonly Lazy<string> LlamaJsonDir = new(() => Build("llama3", BuildLlama3Json));

    /// <summary>The real slow-layout directory (vocab.json + merges.txt + tokenizer_config.json).</summary>
    public static string QwenSlowDir => SharedData.Path("hf", "Qwen2.5-7B-Instruct");

    /// <summary>A directory holding a Qwen2 tokenizer.json (+ the real tokenizer_config.json / generation_config.json).</summary>
    public static string QwenJson => QwenJsonDir.Value;

    /// <summary>A directory holding a Llama-3-style tokenizer.json over the Qwen vocabulary.</summary>
    public static string LlamaJson => LlamaJsonDir.Value;

    public static string NewTempDir(string name)
    {
        string dir = Path.Combine(Path.GetTempPath(), "r1sharp-text-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string Build(string name, Func<JsonObject> build)
    {
        string dir = NewTempDir(name);
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), build().ToJsonString());
        if (name == "qwen2")
        {
            File.Copy(Path.Combine(QwenSlowDir, "tokenizer_config.json"), Path.Combine(dir, "tokenizer_config.json"));
            File.Copy(Path.Combine(QwenSlowDir, "generation_config.json"), Path.Combine(dir, "generation_config.json"));
        }
        else
        {
            File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"),
                """{"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>", "tokenizer_class": "PreTrainedTokenizerFast"}""");
        }
        return dir;
    }

    private static JsonObject BuildQwen2Json()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(QwenSlowDir, "tokenizer_config.json")))!;
        var added = new JsonArray();
        foreach (var (id, token) in config["added_tokens_decoder"]!.AsObject())
        {
            added.Add(new JsonObject
            {
                ["id"] = int.Parse(id),
                ["content"] = token!["content"]!.GetValue<string>(),
                ["single_word"] = false,
                ["lstrip"] = false,
                ["rstrip"] = false,
                ["normalized"] = false,
                ["special"] = token["special"]!.GetValue<bool>(),
            });
        }
        return new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = added,
            ["normalizer"] = new JsonObject { ["type"] = "NFC" },
            ["pre_tokenizer"] = PreTokenizer(Qwen2Regex),
            ["post_processor"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false },
            ["model"] = Model(ignoreMerges: false),
        };
    }

    private static JsonObject BuildLlama3Json()
    {
        // Llama 3's own special tokens take the ids after the Qwen vocabulary.
        int next = 151643;
        var added = new JsonArray();
        foreach (string content in new[] { "<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>" })
            added.Add(new JsonObject { ["id"] = next++, ["content"] = content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = true });
        return new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = added,
            ["normalizer"] = null,
            ["pre_tokenizer"] = PreTokenizer(Llama3Regex),
            ["post_processor"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["processors"] = new JsonArray(
                    new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = false, ["use_regex"] = true },
                    new JsonObject
                    {
                        ["type"] = "TemplateProcessing",
                        ["single"] = new JsonArray(
                            new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "<|begin_of_text|>", ["type_id"] = 0 } },
                            new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A", ["type_id"] = 0 } }),
                        ["pair"] = new JsonArray(),
                        ["special_tokens"] = new JsonObject
                        {
                            ["<|begin_of_text|>"] = new JsonObject { ["id"] = "<|begin_of_text|>", ["ids"] = new JsonArray(151643), ["tokens"] = new JsonArray("<|begin_of_text|>") },
                        },
                    }),
            },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = Model(ignoreMerges: true),
        };
    }

    // Written independently of the library's constants, as they appear in the models' tokenizer.json files.
    private const string Qwen2Regex = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private const string Llama3Regex = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static JsonObject PreTokenizer(string regex) => new()
    {
        ["type"] = "Sequence",
        ["pretokenizers"] = new JsonArray(
            new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = regex }, ["behavior"] = "Isolated", ["invert"] = false },
            new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false }),
    };

    private static JsonObject Model(bool ignoreMerges)
    {
        var vocab = JsonNode.Parse(File.ReadAllText(Path.Combine(QwenSlowDir, "vocab.json")))!;
        var merges = new JsonArray();
        foreach (string line in File.ReadLines(Path.Combine(QwenSlowDir, "merges.txt")))
            if (line.Length > 0 && !line.StartsWith("#version", StringComparison.Ordinal)) merges.Add(line);
        return new JsonObject
        {
            ["type"] = "BPE",
            ["dropout"] = null,
            ["unk_token"] = null,
            ["continuing_subword_prefix"] = "",
            ["end_of_word_suffix"] = "",
            ["fuse_unk"] = false,
            ["byte_fallback"] = false,
            ["ignore_merges"] = ignoreMerges,
            ["vocab"] = vocab,
            ["merges"] = merges,
        };
    }
}
