using R1Sharp.Data;
using R1Sharp.Training.Sft;

namespace R1Sharp.Tests.Sft;

public class ConversationReaderTests
{
    private static async Task<string> WriteAsync(params string[] lines)
    {
        string path = Path.Combine(SftTestData.TempDirectory(), "data.jsonl");
        await File.WriteAllLinesAsync(path, lines);
        return path;
    }

    [Fact]
    public async Task ReadsMessagesPromptCompletionAndShareGptRows()
    {
        string path = await WriteAsync(
            """{"messages":[{"role":"system","content":"s"},{"role":"user","content":"u"},{"role":"assistant","content":"a"}]}""",
            """{"prompt":"p","completion":"c"}""",
            """{"conversations":[{"from":"human","value":"h"},{"from":"gpt","value":"g"}]}""",
            """{"prompt":[{"role":"user","content":"u2"}],"completion":[{"role":"assistant","content":"a2"}]}""");

        var rows = await new ConversationReader().ReadFileAsync(path);

        Assert.Equal(4, rows.Count);
        Assert.Equal(["system", "user", "assistant"], rows[0].Turns.Select(t => t.Role));
        Assert.Equal(new ConversationTurn("assistant", "c"), rows[1].Turns[1]);
        Assert.Equal(new ConversationTurn("user", "h"), rows[2].Turns[0]);
        Assert.Equal(new ConversationTurn("assistant", "g"), rows[2].Turns[1]);
        Assert.Equal("a2", rows[3].Turns[1].Content);
        Assert.EndsWith("data.jsonl:2", rows[1].Location);
    }

    [Fact]
    public async Task ColdStartFormatFoldsReasoningIntoTheAssistantTurn()
    {
        string path = await WriteAsync(
            """{"prompt":"2+2?","completion":"The answer is 4.","reasoning":"two plus two is four"}""",
            """{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"sum","reasoning_content":"why"}]}""");

        var withFormat = await new ConversationReader(new ColdStartFormat()).ReadFileAsync(path);
        var without = await new ConversationReader().ReadFileAsync(path);

        Assert.Equal("<think>\ntwo plus two is four\n</think>\n\nThe answer is 4.", withFormat[0].Turns[1].Content);
        Assert.Equal("<think>\nwhy\n</think>\n\nsum", withFormat[1].Turns[1].Content);
        Assert.Equal("The answer is 4.", without[0].Turns[1].Content);
        var custom = new ColdStartFormat("<|reasoning|>", "<|summary|>").Compose("r", "s");
        Assert.Equal("<|reasoning|>\nr\n<|summary|>\n\ns", custom);
    }

    [Theory]
    [InlineData("""{"text":"no conversation"}""", "expected a 'messages' column")]
    [InlineData("""{"messages":[{"role":"user","content":"only a question"}]}""", "no assistant message")]
    [InlineData("""{"messages":[{"role":"user"},{"role":"assistant","content":"a"}]}""", "messages[0] has no 'content'")]
    [InlineData("""{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":""}]}""", "messages[1].content is empty")]
    [InlineData("""{"messages":"oops"}""", "must be a list of messages")]
    [InlineData("""{"prompt":"p","completion":5}""", "'prompt' and 'completion' must both be strings")]
    [InlineData("""{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}""", "invalid JSON")]
    public async Task BadRowsNameTheFileTheLineAndTheProblem(string badLine, string problem)
    {
        string path = await WriteAsync("""{"prompt":"fine","completion":"row"}""", badLine);
        var error = await Assert.ThrowsAsync<DatasetFormatException>(() => new ConversationReader().ReadFileAsync(path));
        Assert.Equal(2, error.Line);
        Assert.Contains(path, error.Message);
        Assert.Contains(problem, error.Message);
    }
}
