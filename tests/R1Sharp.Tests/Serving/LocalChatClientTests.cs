using Microsoft.Extensions.AI;
using R1Sharp.Serving.ChatClient;

namespace R1Sharp.Tests.Serving;

public sealed class LocalChatClientTests
{
    [Fact]
    public async Task ChatClientAnswersLikeTheGeneratorInBothModes()
    {
        await using var f = await ServingFixture.StartAsync();
        IChatClient client = new LocalChatClient(f.Served);
        var options = new ChatOptions { Temperature = 0.9f, Seed = 11, MaxOutputTokens = 9 };
        string expected = f.Generate("hello there", 9, 0.9f, 11, chat: true);

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hello there")], options);
        Assert.Equal(expected, response.Text);
        Assert.NotNull(response.FinishReason);
        Assert.True(response.Usage!.OutputTokenCount > 0);

        string streamed = "";
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hello there")], options))
            streamed += update.Text;
        Assert.Equal(expected, streamed);

        Assert.Equal("tiny", client.GetService<ChatClientMetadata>()!.DefaultModelId);
    }
}
