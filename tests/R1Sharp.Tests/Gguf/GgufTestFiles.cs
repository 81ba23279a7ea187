using System.Text.Json.Nodes;
using R1Sharp.Text.Tokenization;
using R1Sharp.Tests.Text.Tokenization;

namespace R1Sharp.Tests.Gguf;

/// <summary>
/// A 96-token byte-level BPE tokenizer matching the small test models' vocabulary: 92 printable characters, 'Ġ' (space),
/// 'Ċ' (newline), one merge ("Ġ t") and one special token, with Qwen2's or Llama 3's split regex.
/// </summary>
internal static class GgufTestFiles
{
    private const string Qwen2Regex = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private const string Llama3Regex = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    public static HuggingFaceTokenizer Tokenizer(bool llama)
    {
        string dir = TokenizerFixtureFiles.NewTempDir(llama ? "gguf-llama-tok" : "gguf-qwen-tok");
        var vocab = new JsonObject();
        int id = 0;
        for (char c = '!'; id < 92; c++) vocab[c.ToString()] = id++;
        vocab["Ġ"] = id++;
        vocab["Ċ"] = id++;
        vocab["Ġt"] = id++;
        var root = new JsonObject
        {
            ["added_tokens"] = new JsonArray(new JsonObject { ["id"] = 95, ["content"] = "<|endoftext|>", ["special"] = true }),
            ["normalizer"] = llama ? null : new JsonObject { ["type"] = "NFC" },
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = llama ? Llama3Regex : Qwen2Regex }, ["behavior"] = "Isolated" },
                    new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["use_regex"] = false }),
            },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel" },
            ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = vocab, ["merges"] = new JsonArray("Ġ t") },
        };
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), root.ToJsonString());
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), """{"eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>"}""");
        return HuggingFaceTokenizer.Load(dir);
    }
}
