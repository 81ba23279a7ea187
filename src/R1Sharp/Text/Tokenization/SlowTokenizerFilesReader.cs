using System.Text.Json;

namespace R1Sharp.Text.Tokenization;

/// <summary>
/// Reads the "slow" layout: <c>vocab.json</c> + <c>merges.txt</c> + tokenizer_config.json's <c>added_tokens_decoder</c>,
/// the way transformers' Qwen2Tokenizer / GPT2Tokenizer do (the split regex and normalizer are fixed per class).
/// </summary>
internal static class SlowTokenizerFilesReader
{
    public static TokenizerDefinition Read(string vocabFile, string mergesFile, TokenizerConfig config, string configFile)
    {
        var (pattern, normalizer) = config.TokenizerClass switch
        {
            "Qwen2Tokenizer" or "Qwen2TokenizerFast" => (PreTokenizerPatterns.Qwen2, TextNormalizer.Nfc),
            "GPT2Tokenizer" or "GPT2TokenizerFast" => (PreTokenizerPatterns.Gpt2, TextNormalizer.None),
            null => throw new TokenizerFormatException(configFile, "$.tokenizer_class",
                "missing: with vocab.json + merges.txt the tokenizer class decides the split regex (Qwen2Tokenizer or GPT2Tokenizer)"),
            var other => throw new TokenizerFormatException(configFile, "$.tokenizer_class",
                $"'{other}' cannot be loaded from vocab.json + merges.txt (supported: Qwen2Tokenizer, GPT2Tokenizer); provide tokenizer.json"),
        };
        Dictionary<string, int> vocabulary;
        using (var document = JsonFields.Parse(vocabFile))
            vocabulary = TokenizerJsonReader.ReadVocabulary(document.RootElement, vocabFile, "$");
        var merges = ReadMerges(mergesFile);
        return new TokenizerDefinition(vocabulary, merges, IgnoreMerges: false, config.AddedTokens, normalizer,
            new PreTokenizerPipeline([new SplitPattern(pattern)], addPrefixSpace: false), PostProcessorPrefix: null);
    }

    private static List<string> ReadMerges(string file)
    {
        if (!File.Exists(file)) throw new FileNotFoundException($"{file}: file not found", file);
        var merges = new List<string>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(file))
        {
            lineNumber++;
            // The optional first line "#version: 0.2" is a header, not a merge.
            if (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal)) continue;
            if (line.Length == 0) continue;
            if (line.Split(' ').Length != 2)
                throw new TokenizerFormatException(file, $"line {lineNumber}", $"expected 'left right', found '{line}'");
            merges.Add(line);
        }
        return merges;
    }
}
