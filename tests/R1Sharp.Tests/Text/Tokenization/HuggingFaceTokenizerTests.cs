using System.Text.Json.Nodes;
using R1Sharp.Text.Tokenization;

namespace R1Sharp.Tests.Text.Tokenization;

public sealed class HuggingFaceTokenizerTests
{
    [Theory]
    [MemberData(nameof(TokenizerSamples.Indexes), MemberType = typeof(TokenizerSamples))]
    public void RoundTripIsByteExactForNormalizedText(int sample)
    {
        string text = TokenizerSamples.All[sample].Normalize(System.Text.NormalizationForm.FormC);
        var tokenizer = LoadedTokenizers.QwenSlow;
        Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
        Assert.Equal(text, LoadedTokenizers.LlamaJson.Decode(LoadedTokenizers.LlamaJson.Encode(text)));
    }

    [Fact]
    public void DecodingACharacterCutInHalfGivesReplacementCharacters()
    {
        var tokenizer = LoadedTokenizers.QwenSlow;
        var ids = tokenizer.Encode("\U00020001");
        Assert.True(ids.Count > 1, "the rare CJK character is expected to span several byte tokens");
        string partial = tokenizer.Decode(ids.Take(ids.Count - 1));
        Assert.Contains('\uFFFD', partial);
        Assert.Equal("\U00020001", tokenizer.Decode(ids));
    }

    [Fact]
    public void UnpairedSurrogatesAreEncodedAsTheReplacementCharacter()
    {
        var tokenizer = LoadedTokenizers.QwenSlow;
        Assert.Equal(tokenizer.Encode("a\uFFFDb"), tokenizer.Encode("a\uD800b"));
    }

    [Fact]
    public void SlowLayoutReadsSpecialTokensFromTheConfigAndGenerationConfig()
    {
        var tokenizer = LoadedTokenizers.QwenSlow;
        Assert.Equal(151665, tokenizer.VocabSize);
        Assert.Null(tokenizer.BosId);
        Assert.Equal([151645, 151643], tokenizer.EosIds);
        Assert.Equal(151643, tokenizer.PadId);
        Assert.Equal("NFC", tokenizer.Normalization);
        Assert.Equal(151644, tokenizer.TokenToId("<|im_start|>"));
        Assert.True(tokenizer.IsSpecial(151644));
        Assert.False(tokenizer.IsSpecial(151657)); // <tool_call> is added but not special
    }

    [Fact]
    public void SpecialTokensCanBeLeftAsText()
    {
        var tokenizer = LoadedTokenizers.QwenSlow;
        var parsed = tokenizer.Encode("<|im_start|>hi");
        var literal = tokenizer.Encode("<|im_start|>hi", addSpecialTokens: false, parseSpecialTokens: false);
        Assert.Equal(151644, parsed[0]);
        Assert.DoesNotContain(151644, literal);
        Assert.Equal("<|im_start|>hi", tokenizer.Decode(literal));
    }

    [Fact]
    public void NonSpecialAddedTokensAreStillMatchedWhenSpecialOnesAreNot()
    {
        var tokenizer = LoadedTokenizers.QwenSlow;
        var ids = tokenizer.Encode("<tool_call>x", addSpecialTokens: false, parseSpecialTokens: false);
        Assert.Equal(151657, ids[0]);
    }

    [Fact]
    public void SkipSpecialTokensDropsOnlySpecialOnes()
    {
        var tokenizer = LoadedTokenizers.QwenSlow;
        var ids = tokenizer.Encode("<|im_start|>a<tool_call>b<|im_end|>");
        Assert.Equal("a<tool_call>b", tokenizer.Decode(ids, skipSpecialTokens: true));
        Assert.Equal("<|im_start|>a<tool_call>b<|im_end|>", tokenizer.Decode(ids));
    }

    [Fact]
    public void BosIsPrependedWhenThePostProcessorAsks()
    {
        var tokenizer = LoadedTokenizers.LlamaJson;
        Assert.True(tokenizer.AddsBosToken);
        Assert.Equal(tokenizer.BosId, tokenizer.Encode("hi", addSpecialTokens: true)[0]);
        Assert.NotEqual(tokenizer.BosId, tokenizer.Encode("hi")[0]);
    }

    [Fact]
    public void QwenSplitsDigitsOneByOne()
    {
        var tokenizer = LoadedTokenizers.QwenSlow;
        var ids = tokenizer.Encode("1234567");
        Assert.Equal(7, ids.Count);
        Assert.Equal("1234567", string.Concat(ids.Select(id => tokenizer.TokenText(id))));
    }

    [Fact]
    public void BatchEncodingEqualsEncodingEachText()
    {
        var tokenizer = LoadedTokenizers.QwenSlow;
        var batch = tokenizer.EncodeBatch(TokenizerSamples.All);
        for (int i = 0; i < TokenizerSamples.All.Length; i++) Assert.Equal(tokenizer.Encode(TokenizerSamples.All[i]), batch[i]);
    }

    [Fact]
    public void DecodingAnIdPastTheVocabularyGivesNothingAsHuggingFaceDoes()
    {
        var tokenizer = LoadedTokenizers.QwenSlow;
        var ids = tokenizer.Encode("Hello world");
        // Qwen's embedding has 151,936 rows for 151,665 tokens: a padding id decodes to nothing, it does not throw.
        Assert.Equal("Hello world", tokenizer.Decode([.. ids, tokenizer.VocabSize, 151_714, 999_999]));
    }

    [Theory]
    [InlineData("model.type", "\"Unigram\"", "$.model.type", "Unigram")]
    [InlineData("pre_tokenizer", "{\"type\":\"Whitespace\"}", "$.pre_tokenizer.type", "Whitespace")]
    [InlineData("normalizer", "{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"NFC\"},{\"type\":\"Prepend\",\"prepend\":\"_\"}]}", "$.normalizer.normalizers[1].type", "Prepend")]
    [InlineData("decoder", "{\"type\":\"Metaspace\"}", "$.decoder.type", "Metaspace")]
    [InlineData("pre_tokenizer", "{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Split\",\"pattern\":{\"Regex\":\"a\"},\"behavior\":\"Removed\"},{\"type\":\"ByteLevel\"}]}", "$.pre_tokenizer.pretokenizers[0].behavior", "Removed")]
    public void UnsupportedComponentsAreNamedWithTheirJsonPath(string field, string json, string path, string name)
    {
        string dir = TokenizerFixtureFiles.NewTempDir("bad");
        var root = new JsonObject
        {
            ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = new JsonObject { ["a"] = 0 }, ["merges"] = new JsonArray() },
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel" },
        };
        var node = JsonNode.Parse(json);
        if (field == "model.type") root["model"]!["type"] = node;
        else root[field] = node;
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), root.ToJsonString());

        var error = Assert.Throws<TokenizerFormatException>(() => HuggingFaceTokenizer.Load(dir));
        Assert.Equal(path, error.Location);
        Assert.Contains(name, error.Message);
        Assert.Contains("tokenizer.json", error.Message);
    }

    [Fact]
    public void MalformedMergesLineNamesTheLine()
    {
        string dir = TokenizerFixtureFiles.NewTempDir("badmerges");
        File.WriteAllText(Path.Combine(dir, "vocab.json"), "{\"a\":0,\"b\":1,\"ab\":2}");
        File.WriteAllText(Path.Combine(dir, "merges.txt"), "#version: 0.2\na b\nabc\n");
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), "{\"tokenizer_class\":\"Qwen2Tokenizer\"}");
        var error = Assert.Throws<TokenizerFormatException>(() => HuggingFaceTokenizer.Load(dir));
        Assert.Equal("line 3", error.Location);
    }

    [Fact]
    public void SlowLayoutOfAnUnknownClassIsRefused()
    {
        string dir = TokenizerFixtureFiles.NewTempDir("badclass");
        File.WriteAllText(Path.Combine(dir, "vocab.json"), "{\"a\":0}");
        File.WriteAllText(Path.Combine(dir, "merges.txt"), "");
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), "{\"tokenizer_class\":\"LlamaTokenizer\"}");
        var error = Assert.Throws<TokenizerFormatException>(() => HuggingFaceTokenizer.Load(dir));
        Assert.Equal("$.tokenizer_class", error.Location);
        Assert.Contains("LlamaTokenizer", error.Message);
    }

    [Fact]
    public void InvalidJsonNamesTheFileAndLine()
    {
        string dir = TokenizerFixtureFiles.NewTempDir("badjson");
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), "{\n\"model\": {\n  oops\n}");
        var error = Assert.Throws<TokenizerFormatException>(() => HuggingFaceTokenizer.Load(dir));
        Assert.Equal("line 3", error.Location);
    }

    [Fact]
    public void DirectoryWithoutTokenizerFilesIsAClearError()
    {
        string dir = TokenizerFixtureFiles.NewTempDir("empty");
        var error = Assert.Throws<FileNotFoundException>(() => HuggingFaceTokenizer.Load(dir));
        Assert.Contains("tokenizer.json", error.Message);
    }
}
