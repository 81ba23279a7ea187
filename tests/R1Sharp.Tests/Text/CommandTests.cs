using R1Sharp.Cli.Commands;
using R1Sharp.Testing;
using R1Sharp.Tests.Text.Tokenization;

namespace R1Sharp.Tests.Text;

/// <summary>`r1 template` and `r1 tokenize` entry points, in-process, on the real model files.</summary>
public sealed class CommandTests
{
    private static (int Code, string Output, string Error) Template(string model, bool generation, string? now, string input)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = TemplateCommand.Run(model, generation, now, input, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static (int Code, string Output, string Error) Tokenize(string model, TokenizeSettings settings, string input)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = TokenizeCommand.Run(model, settings, input, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void TemplatePrintsTheRenderedTextWithoutAnExtraNewline()
    {
        var (code, output, _) = Template(SharedData.Path("hf", "Qwen2.5-7B-Instruct"), true, null, """[{"role":"user","content":"Hi"}]""");
        Assert.Equal(0, code);
        Assert.Equal("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", output);
    }

    [Fact]
    public void Qwen3TemplateTakesEnableThinkingAndDropsEarlierThinking()
    {
        string model = SharedData.Path("hf", "Qwen3-4B");
        const string conversation = """[{"role":"user","content":"Hi"},{"role":"assistant","content":"<think>\nhmm\n</think>\n\nHello"},{"role":"user","content":"2+2?"}]""";
        const string turns = "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n";
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, TemplateCommand.Run(model, true, null, conversation, output, error, ["enable_thinking=false"]));
        Assert.Equal(turns + "<think>\n\n</think>\n\n", output.ToString());

        var (code, thinking, _) = Template(model, true, null, conversation);
        Assert.Equal(0, code);
        Assert.Equal(turns, thinking);

        // The last assistant turn after the last user query keeps its reasoning, re-wrapped as the template writes it.
        var (_, last, _) = Template(model, false, null, """[{"role":"user","content":"Q"},{"role":"assistant","content":"<think>\nr\n</think>\n\nA"}]""");
        Assert.Equal("<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n<think>\nr\n</think>\n\nA<|im_end|>\n", last);
    }

    [Fact]
    public void TemplateSettingWithoutAnEqualsSignIsAUsageError()
    {
        var error = new StringWriter();
        Assert.Equal(2, TemplateCommand.Run("builtin:plain", false, null, "[]", new StringWriter(), error, ["enable_thinking"]));
        Assert.Contains("--set", error.ToString());
    }

    [Fact]
    public void TemplateNowFixesTheLlamaDate()
    {
        var (code, output, _) = Template(SharedData.Path("hf", "Llama-3.2-1B-Instruct"), false, "2024-02-29T08:00:00", """[{"role":"user","content":"Hi"}]""");
        Assert.Equal(0, code);
        Assert.Contains("Today Date: 29 Feb 2024\n", output);
    }

    [Fact]
    public void TemplatePrefersChatTemplateJinja()
    {
        var (code, output, _) = Template(SharedData.Path("hf", "DeepSeek-R1-Distill-Qwen-1.5B-resaved"), true, null, """[{"role":"user","content":"1+1?"}]""");
        Assert.Equal(0, code);
        Assert.EndsWith("<｜User｜>1+1?<｜Assistant｜><think>\n", output);
    }

    [Fact]
    public void TemplateBuiltInR1ZeroPrompt()
    {
        var (code, output, _) = Template("builtin:r1-zero", false, null, """[{"role":"user","content":"What is 2+3?"}]""");
        Assert.Equal(0, code);
        Assert.StartsWith("A conversation between User and Assistant.", output);
        Assert.EndsWith("User: What is 2+3?. Assistant:", output);
    }

    [Theory]
    [InlineData("[{\"role\":\"user\",", "not valid JSON")]
    [InlineData("{\"role\":\"user\"}", "JSON array")]
    [InlineData("[{\"content\":\"x\"}]", "messages[0].role")]
    public void TemplateRejectsBadInputClearly(string input, string expected)
    {
        var (code, output, error) = Template(SharedData.Path("hf", "Qwen2.5-7B-Instruct"), false, null, input);
        Assert.Equal(2, code); // usage error (README, "Exit codes")
        Assert.Equal("", output);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void TemplateReportsAMissingTemplate()
    {
        var (code, _, error) = Template(TokenizerFixtureFiles.NewTempDir("notemplate"), false, null, "[]");
        Assert.Equal(2, code); // usage error (README, "Exit codes")
        Assert.Contains("no chat template", error);
    }

    private static readonly TokenizeSettings Encode = new();
    private static readonly TokenizeSettings DecodeDroppingSpecial = new() { Decode = true };
    private static readonly TokenizeSettings DecodeKeepingSpecial = new() { Decode = true, KeepSpecialTokensOnDecode = true };

    [Fact]
    public void TokenizeEncodesAndDecodesOnTheRealQwenFiles()
    {
        string model = SharedData.Path("hf", "Qwen2.5-7B-Instruct");
        string text = "<|im_start|>user\nHello, 世界 😀!<|im_end|>";
        var (code, ids, _) = Tokenize(model, Encode, text);
        Assert.Equal(0, code);
        Assert.StartsWith("[151644,", ids);
        var expected = LoadedTokenizers.QwenSlow.Encode(text);
        Assert.Equal("[" + string.Join(",", expected) + "]", ids);

        var (decodeCode, decoded, _) = Tokenize(model, DecodeKeepingSpecial, ids);
        Assert.Equal(0, decodeCode);
        Assert.Equal(text, decoded);
        var (_, dropped, _) = Tokenize(model, DecodeDroppingSpecial, ids);
        Assert.Equal("user\nHello, 世界 😀!", dropped);
    }

    [Fact]
    public void TokenizeByDefaultGivesTheIdsOfHuggingFaceTokenizerCall()
    {
        // transformers: AutoTokenizer.from_pretrained("Qwen/Qwen2.5-7B-Instruct")("<|im_start|>user\nHi<|im_end|>").input_ids
        // == [151644, 872, 198, 13048, 151645]: special tokens recognised, no BOS (Qwen2.5 has none).
        var (code, ids, _) = Tokenize(SharedData.Path("hf", "Qwen2.5-7B-Instruct"), Encode, "<|im_start|>user\nHi<|im_end|>");
        Assert.Equal(0, code);
        Assert.Equal("[151644,872,198,13048,151645]", ids);
    }

    [Fact]
    public void TokenizeAddsBosAsTheModelAsksAndMatchesTheRustTokenizer()
    {
        // The Llama-3-style tokenizer.json has a BOS post-processor; Hugging Face's Rust tokenizer (add_special_tokens
        // and special tokens recognised, as tokenizer(text) calls it) is the reference.
        string model = TokenizerFixtureFiles.LlamaJson;
        string text = "Hi<|eot_id|> there";
        var reference = new Tokenizers.DotNet.Tokenizer(vocabPath: Path.Combine(model, "tokenizer.json")).Encode(text).Select(id => (int)id);
        var (code, ids, _) = Tokenize(model, Encode, text);
        Assert.Equal(0, code);
        Assert.Equal("[" + string.Join(",", reference) + "]", ids);
        Assert.StartsWith("[151643,", ids); // <|begin_of_text|> in this fixture
        Assert.Contains(",151647,", ids); // <|eot_id|> recognised

        var (_, withoutBos, _) = Tokenize(model, Encode with { AddSpecialTokens = false }, text);
        Assert.Equal("[" + string.Join(",", reference.Skip(1)) + "]", withoutBos);
    }

    [Fact]
    public void TokenizeSplitSpecialTokensTreatsControlTokensAsText()
    {
        string model = SharedData.Path("hf", "Qwen2.5-7B-Instruct");
        var (code, ids, _) = Tokenize(model, Encode with { SplitSpecialTokens = true }, "<|im_start|>");
        Assert.Equal(0, code);
        Assert.DoesNotContain("151644", ids);
        Assert.Equal("[" + string.Join(",", LoadedTokenizers.QwenSlow.Encode("<|im_start|>", addSpecialTokens: true, parseSpecialTokens: false)) + "]", ids);
        Assert.Equal("<|im_start|>", Tokenize(model, DecodeKeepingSpecial, ids).Output);
    }

    [Theory]
    [InlineData("[1, \"a\"]", "JSON array of integer")]
    [InlineData("[99999999]", "not in the vocabulary")]
    public void TokenizeDecodeRejectsBadIds(string input, string expected)
    {
        var (code, _, error) = Tokenize(SharedData.Path("hf", "Qwen2.5-7B-Instruct"), DecodeDroppingSpecial, input);
        Assert.Equal(2, code); // usage error (README, "Exit codes")
        Assert.Contains(expected, error);
    }

    [Fact]
    public void TokenizeReportsAModelWithoutTokenizer()
    {
        var (code, _, error) = Tokenize(SharedData.Path("hf", "Llama-3.2-1B-Instruct"), Encode, "x");
        Assert.Equal(2, code); // usage error (README, "Exit codes")
        Assert.Contains("no tokenizer found", error);
    }
}
