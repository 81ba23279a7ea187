using System.Text.Json;
using R1Sharp.Testing;
using R1Sharp.Text;
using R1Sharp.Text.Templates;
using R1Sharp.Tests.Text.Tokenization;

namespace R1Sharp.Tests.Text.Templates;

public sealed class ChatTemplateTests
{
    // The R1-Zero prompt of RECIPE.md §4 (the paper's Table 1), written out here independently of the library.
    private const string R1ZeroPrefix =
        "A conversation between User and Assistant. The user asks a question, and the Assistant solves it. " +
        "The assistant first thinks about the reasoning process in the mind and then provides the user with the answer. " +
        "The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> tags, respectively, " +
        "i.e., <think> reasoning process here </think> <answer> answer here </answer>. User: ";

    [Fact]
    public void R1ZeroBuiltInIsThePapersPrompt()
    {
        string prompt = "Find x if 2x + 3 = 11";
        Assert.Equal(R1ZeroPrefix + prompt + ". Assistant:", ChatTemplate.BuiltIn("r1-zero").RenderPrompt(prompt));
    }

    [Fact]
    public void R1ZeroBuiltInAppendsTheCompletionAfterTheAssistantMarker()
    {
        string text = ChatTemplate.BuiltIn("r1-zero").Render([("user", "1+1"), ("assistant", "<think>easy</think> <answer>2</answer>")]);
        Assert.EndsWith("User: 1+1. Assistant: <think>easy</think> <answer>2</answer>", text);
    }

    [Fact]
    public void PlainBuiltInConcatenatesContents()
    {
        Assert.Equal("Q: 2+2=A: 4", ChatTemplate.BuiltIn("plain").Render([("user", "Q: 2+2="), ("assistant", "A: 4")]));
    }

    [Fact]
    public void UnknownBuiltInListsTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => ChatTemplate.BuiltIn("chatml"));
        Assert.Contains("r1-zero", error.Message);
    }

    [Fact]
    public void ChatTemplateJinjaWinsOverTheConfigEntry()
    {
        string dir = TokenizerFixtureFiles.NewTempDir("jinja-wins");
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), """{"chat_template": "from config", "eos_token": "</s>"}""");
        File.WriteAllText(Path.Combine(dir, "chat_template.jinja"), "from file {{ eos_token }}\n");
        Assert.Equal("from file </s>", ChatTemplate.Load(dir).Render([("user", "x")]));
    }

    [Fact]
    public void NamedTemplateListsUseTheDefaultOne()
    {
        string dir = TokenizerFixtureFiles.NewTempDir("named");
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"),
            """{"chat_template": [{"name": "tool_use", "template": "tools"}, {"name": "default", "template": "plain {{ messages|length }}"}]}""");
        Assert.Equal("plain 1", ChatTemplate.Load(dir).Render([("user", "x")]));
        Assert.Equal("tools", TokenizerConfig.Load(dir).NamedChatTemplates["tool_use"]);
    }

    [Fact]
    public void UnsetSpecialTokensAreUndefinedNotNone()
    {
        // Qwen2.5 has bos_token null: transformers leaves it out of the variables, so it renders as "".
        var template = ChatTemplate.FromSource("[{{ bos_token }}][{{ eos_token }}][{{ tools }}]", TokenizerConfig.Load(SharedData.Path("hf", "Qwen2.5-7B-Instruct")));
        Assert.Equal("[][<|im_end|>][None]", template.Render([("user", "x")]));
    }

    [Fact]
    public void ExtraVariablesReachTheTemplate()
    {
        var template = ChatTemplate.Load(SharedData.Path("hf", "Llama-3.2-3B-Instruct"));
        string text = template.Render([("user", "hi")], new ChatTemplateOptions { Variables = new Dictionary<string, object?> { ["date_string"] = "01 Jan 2030" } });
        Assert.Contains("Today Date: 01 Jan 2030", text);
    }

    [Fact]
    public void BadTemplateInAModelDirectoryNamesTheFileAndPosition()
    {
        string dir = TokenizerFixtureFiles.NewTempDir("badtemplate");
        File.WriteAllText(Path.Combine(dir, "chat_template.jinja"), "ok\n{% call foo() %}x{% endcall %}");
        var error = Assert.Throws<R1Sharp.Text.Templates.Jinja.TemplateException>(() => ChatTemplate.Load(dir));
        Assert.Contains("chat_template.jinja", error.Message);
        Assert.Contains("2:4", error.Message);
        Assert.Contains("call", error.Message);
    }

    [Fact]
    public void MessagesThatAreNotObjectsAreRejected()
    {
        using var document = JsonDocument.Parse("""[{"role": "user", "content": "a"}, "oops"]""");
        var error = Assert.Throws<ArgumentException>(() => ChatTemplate.BuiltIn("plain").Render(document.RootElement));
        Assert.Contains("messages[1]", error.Message);
    }

    [Fact]
    public void RenderedPromptTokenizesWithSpecialTokensAsSingleIds()
    {
        var template = ChatTemplate.Load(SharedData.Path("hf", "Qwen2.5-7B-Instruct"));
        string text = template.Render([("user", "2+2?")], new ChatTemplateOptions { AddGenerationPrompt = true });
        var ids = LoadedTokenizers.QwenSlow.Encode(text);
        Assert.Equal(151644, ids[0]);
        Assert.Equal(3, ids.Count(id => id == 151644)); // <|im_start|> for system, user, assistant
        Assert.Equal(2, ids.Count(id => id == 151645)); // <|im_end|> after system and user
        Assert.Equal(text, LoadedTokenizers.QwenSlow.Decode(ids));
    }
}
