using R1Sharp.Training.LanguageModeling;
using R1Sharp.Training.Sft;

namespace R1Sharp.Tests.Sft;

public class AssistantLossMaskTests
{
    private static string TrainedText(TokenizedSequence sample, CharacterTokenizer tokenizer) =>
        tokenizer.Decode(sample.Ids.Where((_, i) => sample.Trainable[i]));

    [Fact]
    public void OnlyAssistantTurnsAndTheirEndTokensAreTrained()
    {
        var tokenizer = new CharacterTokenizer();
        var masker = new AssistantLossMask(tokenizer, new ChatMarkupRenderer());
        var conversation = new Conversation(
        [
            new ConversationTurn("system", "be brief"),
            new ConversationTurn("user", "hi"),
            new ConversationTurn("assistant", "hello there"),
            new ConversationTurn("user", "2+2?"),
            new ConversationTurn("assistant", "4"),
        ], "mem:1");

        var sample = masker.Tokenize(conversation);

        Assert.Equal(tokenizer.Encode(new ChatMarkupRenderer().Render(conversation.Turns, false)), sample.Ids);
        Assert.Equal("hello there<|im_end|>\n4<|im_end|>\n", TrainedText(sample, tokenizer));
        // The assistant header (the generation prompt) is input, not target.
        string untrained = tokenizer.Decode(sample.Ids.Where((_, i) => !sample.Trainable[i]));
        Assert.Contains("<|im_start|>assistant\n", untrained);
        Assert.Contains("be brief", untrained);
        Assert.DoesNotContain("hello", untrained);
    }

    [Fact]
    public void ATokenStraddlingTheBoundaryIsTrained()
    {
        // The header ends in "\n" and the reply starts with "\n": the tokenizer merges them into one token, which
        // holds an assistant character and so must carry loss.
        var tokenizer = new CharacterTokenizer();
        var masker = new AssistantLossMask(tokenizer, new ChatMarkupRenderer());
        var sample = masker.Tokenize(new Conversation(
            [new ConversationTurn("user", "q"), new ConversationTurn("assistant", "\nanswer")], "mem:1"));

        int merged = Array.IndexOf(sample.Ids, CharacterTokenizer.MergedNewlines);
        Assert.True(merged > 0);
        Assert.True(sample.Trainable[merged]);
        Assert.False(sample.Trainable[merged - 1]);
        Assert.EndsWith("answer<|im_end|>\n", TrainedText(sample, tokenizer));
    }

    [Fact]
    public void TemplatesThatRewriteEarlierTurnsAreRefusedWithTheRow()
    {
        var masker = new AssistantLossMask(new CharacterTokenizer(), new TurnCountingRenderer());
        var conversation = new Conversation([new ConversationTurn("user", "q"), new ConversationTurn("assistant", "a")], "data.jsonl:7");
        var error = Assert.Throws<InvalidOperationException>(() => masker.Tokenize(conversation));
        Assert.Contains("data.jsonl:7", error.Message);
    }

    /// <summary>A template whose output starts with the number of turns, so prefixes are not prefixes.</summary>
    private sealed class TurnCountingRenderer : IConversationRenderer
    {
        public string Render(IReadOnlyList<ConversationTurn> turns, bool addGenerationPrompt) =>
            $"{turns.Count}:" + new ChatMarkupRenderer().Render(turns, addGenerationPrompt);
    }
}
