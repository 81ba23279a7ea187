using R1Sharp.Testing;
using R1Sharp.Tests.Text.Tokenization;
using R1Sharp.Text;
using R1Sharp.Text.Templates;
using R1Sharp.Text.Tokenization;
using R1Sharp.Training.Sft;

namespace R1Sharp.Tests.Sft;

/// <summary>Assistant-only masking on the real chat templates of shared/data/hf, tokenized with the real Qwen2.5
/// vocabulary (Qwen templates) or a Llama-3-style tokenizer over it (Llama templates).</summary>
public class RealTemplateLossMaskTests
{
    private static readonly List<ConversationTurn> TwoExchanges =
    [
        new("system", "You are a careful mathematician."),
        new("user", "What is 2+2?"),
        new("assistant", "2+2 = 4.\n\nThe answer is \\boxed{4}."),
        new("user", "And 3*3?"),
        new("assistant", "3*3 = 9, so \\boxed{9}."),
    ];

    public static TheoryData<string, string> Models() => new()
    {
        { "Qwen2.5-7B-Instruct", "qwen" },
        { "Qwen2.5-0.5B-Instruct", "qwen" },
        { "Qwen2.5-Math-1.5B", "qwen" },
        { "Llama-3.2-1B-Instruct", "llama" },
    };

    private static readonly Lazy<ITextTokenizer> Qwen = new(() => HuggingFaceTokenizer.Load(TokenizerFixtureFiles.QwenSlowDir));
    private static readonly Lazy<ITextTokenizer> Llama = new(() => HuggingFaceTokenizer.Load(TokenizerFixtureFiles.LlamaJson));

    // The R1-Distill-Qwen tokenizer: Qwen2.5's vocabulary and merges with R1's tokenizer_config.json (its added
    // tokens <｜User｜>, <｜Assistant｜>, <think>, ... and BOS).
    private static readonly Lazy<ITextTokenizer> R1 = new(() =>
    {
        string dir = TokenizerFixtureFiles.NewTempDir("r1-distill");
        foreach (var file in new[] { "vocab.json", "merges.txt" })
            File.Copy(Path.Combine(TokenizerFixtureFiles.QwenSlowDir, file), Path.Combine(dir, file));
        // Its tokenizer.json (not in shared data) splits as Qwen2 does; the config names the class generically.
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(SharedData.Path("hf", "DeepSeek-R1-Distill-Qwen-1.5B-resaved", "tokenizer_config.json")))!;
        config["tokenizer_class"] = "Qwen2TokenizerFast";
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), config.ToJsonString());
        return HuggingFaceTokenizer.Load(dir);
    });

    private static ITextTokenizer Tokenizer(string kind) => kind == "qwen" ? Qwen.Value : Llama.Value;

    private static ChatTemplateRenderer Renderer(string model) =>
        new(ChatTemplate.Load(SharedData.Path("hf", model)), new FixedClock(new DateTimeOffset(2025, 1, 20, 12, 0, 0, TimeSpan.Zero)));

    [Theory]
    [MemberData(nameof(Models))]
    public void ExactlyTheAssistantTokensAreTrained(string model, string tokenizerKind)
    {
        var tokenizer = Tokenizer(tokenizerKind);
        var renderer = Renderer(model);
        var sample = new AssistantLossMask(tokenizer, renderer).Tokenize(new Conversation(TwoExchanges, "mem:1"));

        // The trained tokens, decoded, are each assistant reply followed by the template's end-of-turn text and
        // nothing else: no system/user text and no assistant header.
        string trained = tokenizer.Decode(sample.Ids.Where((_, i) => sample.Trainable[i]));
        string full = renderer.Render(TwoExchanges, addGenerationPrompt: false);
        foreach (var turn in TwoExchanges)
        {
            if (turn.IsAssistant) Assert.Contains(turn.Content, trained);
            else Assert.DoesNotContain(turn.Content, trained);
        }
        string header = renderer.Render(TwoExchanges.Take(2).ToList(), true)[renderer.Render(TwoExchanges.Take(2).ToList(), false).Length..];
        Assert.False(string.IsNullOrEmpty(header));
        Assert.DoesNotContain(header.Trim(), trained);

        // Each trained run of tokens decodes to the text between "prefix + generation prompt" and "prefix + turn".
        var runs = Runs(sample.Trainable).Select(r => tokenizer.Decode(sample.Ids[r.Start..r.End])).ToList();
        var expected = new List<string>();
        for (int i = 0; i < TwoExchanges.Count; i++)
        {
            if (!TwoExchanges[i].IsAssistant) continue;
            string before = renderer.Render(TwoExchanges.Take(i).ToList(), true);
            string through = renderer.Render(TwoExchanges.Take(i + 1).ToList(), false);
            expected.Add(through[before.Length..]);
        }
        Assert.Equal(expected, runs);
        // One BOS at most: templates that write it (Llama 3) are not given a second one by the tokenizer.
        if (tokenizer.BosId is int bos) Assert.Single(sample.Ids, id => id == bos);
        Assert.Equal(full, tokenizer.Decode(sample.Ids));
    }

    [Fact]
    public void QwenTrainsTheEndOfTurnTokenSoTheModelLearnsToStop()
    {
        var tokenizer = Tokenizer("qwen");
        var sample = new AssistantLossMask(tokenizer, Renderer("Qwen2.5-7B-Instruct"))
            .Tokenize(new Conversation([new("user", "hi"), new("assistant", "hello")], "mem:1"));
        int imEnd = tokenizer.Encode("<|im_end|>").Single();
        int lastImEnd = Array.LastIndexOf(sample.Ids, imEnd);
        Assert.True(sample.Trainable[lastImEnd]);
        int firstImEnd = Array.IndexOf(sample.Ids, imEnd); // end of the system or user turn
        Assert.False(sample.Trainable[firstImEnd]);
    }

    [Theory]
    [InlineData("DeepSeek-R1-Distill-Qwen-1.5B")]
    [InlineData("DeepSeek-R1-Distill-Llama-8B")]
    public void R1TemplatesThatDropTheReasoningAreRefusedAndTheTrainingTemplateKeepsIt(string model)
    {
        var conversation = new Conversation([new("user", "2+2?"), new("assistant", "<think>\ntwo and two\n</think>\n\n\\boxed{4}")], "data.jsonl:3");
        var refused = Assert.Throws<InvalidOperationException>(() => new AssistantLossMask(R1.Value, Renderer(model)).Tokenize(conversation));
        Assert.Contains("data.jsonl:3", refused.Message);
        Assert.Contains("deepseek-r1", refused.Message);

        var sample = new AssistantLossMask(R1.Value, new DeepSeekR1Renderer()).Tokenize(conversation);
        string trained = R1.Value.Decode(sample.Ids.Where((_, i) => sample.Trainable[i]));
        Assert.Single(sample.Ids, id => id == R1.Value.BosId);
        Assert.Equal(conversation.Turns[1].Content + DeepSeekR1Renderer.EndOfSentence, trained);
    }

    private static IEnumerable<(int Start, int End)> Runs(bool[] mask)
    {
        for (int i = 0; i < mask.Length; i++)
        {
            if (!mask[i]) continue;
            int start = i;
            while (i < mask.Length && mask[i]) i++;
            yield return (start, i);
        }
    }
}
