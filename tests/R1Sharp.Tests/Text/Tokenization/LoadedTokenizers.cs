using R1Sharp.Text.Tokenization;

namespace R1Sharp.Tests.Text.Tokenization;

/// <summary>Tokenizers loaded once per test run (loading the 151k-entry vocabulary takes a moment).</summary>
internal static class LoadedTokenizers
{
    private static readonly Lazy<HuggingFaceTokenizer> QwenSlowLazy = new(() => HuggingFaceTokenizer.Load(TokenizerFixtureFiles.QwenSlowDir));
    private static readonly Lazy<HuggingFaceTokenizer> QwenJsonLazy = new(() => HuggingFaceTokenizer.Load(TokenizerFixtureFiles.QwenJson));
    private static readonly Lazy<HuggingFaceTokenizer> LlamaJsonLazy = new(() => HuggingFaceTokenizer.Load(TokenizerFixtureFiles.LlamaJson));

    public static HuggingFaceTokenizer QwenSlow => QwenSlowLazy.Value;

    public static HuggingFaceTokenizer QwenJson => QwenJsonLazy.Value;

    public static HuggingFaceTokenizer LlamaJson => LlamaJsonLazy.Value;
}
