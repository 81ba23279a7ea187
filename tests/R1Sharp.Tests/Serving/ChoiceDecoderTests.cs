using R1Sharp.Generation;
using R1Sharp.Serving.Http;

namespace R1Sharp.Tests.Serving;

public sealed class ChoiceDecoderTests
{
    [Fact]
    public void IdsPastTheTokenizersVocabularyHaveNoText()
    {
        // Checkpoints pad the embedding past the tokenizer (Qwen2.5: 151,936 rows, 151,665 tokens); an untrained
        // model samples those ids, and the server must not fail on them.
        Assert.Equal("AB", ChoiceDecoder.DecodeText(new AsciiTestTokenizer(), [33, 500, 34]));
    }

    [Fact]
    public void HeldBackTextNeverShowsAStopString()
    {
        var tokenizer = new AsciiTestTokenizer();
        var decoder = new ChoiceDecoder(tokenizer, ["XY"]);
        string shown = "";
        foreach (char c in "abcXYdef")
            shown += decoder.Add(c - 32, -0.5f);
        shown += decoder.Complete(FinishReason.StopString);
        Assert.Equal("abc", shown);
        Assert.Equal("abc", decoder.Text);
    }
}
