using R1Sharp.Tasks;
using R1Sharp.Text.Templates;

namespace R1Sharp.Tests.Tasks;

public class TaskTokenizerTests
{
    private readonly TaskTokenizer _tokenizer = new();

    [Fact]
    public void RoundTripsTemplateAndSolutions()
    {
        var suite = TaskSuite.CreateDefault(seed: 1, heldOutPerFamily: 4);
        for (int i = 0; i < 50; i++)
        {
            var (prompt, completion) = SyntheticCorpus.Document(suite, i, new CorpusNoise());
            string text = prompt + completion;
            Assert.Equal(text, _tokenizer.Decode(_tokenizer.Encode(text)));
        }
        Assert.Equal("<unk>n<unk>code?", _tokenizer.Decode(_tokenizer.Encode("Ünïcode?")));
    }

    [Fact]
    public void TemplateCostsFarFewerTokensThanCharacters()
    {
        string prompt = R1ZeroTemplate.Format("Compute 3+4*5");
        int tokens = _tokenizer.Encode(prompt).Count;
        Assert.True(tokens * 10 < prompt.Length, $"{tokens} tokens for {prompt.Length} characters");
    }

    [Fact]
    public void TagsAndEndOfTextAreSingleTokens()
    {
        Assert.Single(_tokenizer.Encode("<think>"));
        Assert.Single(_tokenizer.Encode(" </answer>"));
        Assert.Equal([TaskTokenizer.EndOfText], _tokenizer.Encode("<|endoftext|>"));
        Assert.Equal("", _tokenizer.Decode([TaskTokenizer.EndOfText], skipSpecialTokens: true));
        Assert.Equal(4, _tokenizer.Encode("1234").Count); // digits stay single characters
    }
}
