using R1Sharp.Text.Tokenization;
using Reference = Tokenizers.DotNet.Tokenizer;

namespace R1Sharp.Tests.Text.Tokenization;

/// <summary>Our ids against Hugging Face's own Rust tokenizers (Tokenizers.DotNet) on the same tokenizer.json.</summary>
public sealed class HuggingFaceReferenceTests
{
    [Theory]
    [MemberData(nameof(TokenizerSamples.Indexes), MemberType = typeof(TokenizerSamples))]
    public void Qwen2TokenizerJsonGivesTheRustIds(int sample)
    {
        string text = TokenizerSamples.All[sample];
        var reference = ReferenceTokenizers.Qwen.Encode(text).Select(id => (int)id).ToArray();
        var ours = LoadedTokenizers.QwenJson.Encode(text);
        Assert.Equal(reference, ours);
    }

    [Theory]
    [MemberData(nameof(TokenizerSamples.Indexes), MemberType = typeof(TokenizerSamples))]
    public void Llama3StyleTokenizerJsonGivesTheRustIds(int sample)
    {
        string text = TokenizerSamples.All[sample];
        var reference = ReferenceTokenizers.Llama.Encode(text).Select(id => (int)id).ToArray();
        var ours = LoadedTokenizers.LlamaJson.Encode(text, addSpecialTokens: true);
        Assert.Equal(reference, ours);
    }

    [Theory]
    [MemberData(nameof(TokenizerSamples.Indexes), MemberType = typeof(TokenizerSamples))]
    public void SlowLayoutGivesTheSameIdsAsTheRustTokenizerOnTheEquivalentJson(int sample)
    {
        string text = TokenizerSamples.All[sample];
        var reference = ReferenceTokenizers.Qwen.Encode(text).Select(id => (int)id).ToArray();
        Assert.Equal(reference, LoadedTokenizers.QwenSlow.Encode(text));
    }

    [Theory]
    [MemberData(nameof(TokenizerSamples.Indexes), MemberType = typeof(TokenizerSamples))]
    public void DecodeWithoutSpecialTokensMatchesTheRustDecoder(int sample)
    {
        // Tokenizers.DotNet decodes with skip_special_tokens = true.
        string text = TokenizerSamples.All[sample];
        var ids = ReferenceTokenizers.Qwen.Encode(text);
        Assert.Equal(ReferenceTokenizers.Qwen.Decode(ids), LoadedTokenizers.QwenJson.Decode(ids.Select(id => (int)id), skipSpecialTokens: true));
    }

    [Fact]
    public void TokenizerJsonSavedFromTheSlowLayoutLoadsInTheRustTokenizerWithTheSameIds()
    {
        string dir = TokenizerFixtureFiles.NewTempDir("saved");
        string path = Path.Combine(dir, "tokenizer.json");
        LoadedTokenizers.QwenSlow.SaveTokenizerJson(path);
        var rust = new Reference(vocabPath: path);
        foreach (string text in TokenizerSamples.All)
            Assert.Equal(LoadedTokenizers.QwenSlow.Encode(text), rust.Encode(text).Select(id => (int)id).ToArray());
        Assert.Empty(Directory.GetFiles(dir, "*.tmp-*"));
    }

    private static class ReferenceTokenizers
    {
        public static readonly Reference Qwen = new(vocabPath: Path.Combine(TokenizerFixtureFiles.QwenJson, "tokenizer.json"));
        public static readonly Reference Llama = new(vocabPath: Path.Combine(TokenizerFixtureFiles.LlamaJson, "tokenizer.json"));
    }
}
