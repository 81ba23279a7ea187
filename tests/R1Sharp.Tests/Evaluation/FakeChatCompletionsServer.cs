using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

using R1Sharp.Tests.TestServers;

namespace R1Sharp.Tests.Evaluation;

/// <summary>
/// A minimal OpenAI chat completions server on 127.0.0.1 (HttpListener) for end-to-end tests. Each request's JSON
/// body is passed to <see cref="Respond"/>, which returns the status, body and extra headers to send.
/// </summary>
internal sealed class FakeChatCompletionsServer : LoopbackHttpServer
{
    private int _requestCount;

    public FakeChatCompletionsServer(Func<JsonElement, int, Reply> respond)
        : base("/v1/")
    {
        Respond = respond;
        BaseUri = new Uri(Root.ToString().TrimEnd('/'));
        Start();
    }

    public sealed record Reply(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null, TimeSpan Delay = default);

    public Func<JsonElement, int, Reply> Respond { get; }

    /// <summary>The body of GET /v1/models, or null to answer it with 404.</summary>
    public string? ModelsReply { get; init; }

    public int ModelsRequests => _modelsRequests;

    private int _modelsRequests;

    public Uri BaseUri { get; }

    public ConcurrentQueue<(string Path, string? Authorization, JsonElement Body, int Status)> Seen { get; } = new();

    /// <summary>
    /// How many requests the server has read, once it has read <paramref name="count"/> or <paramref name="within"/> has
    /// passed: a client that timed out may give up before a busy machine lets the server read its last request.
    /// </summary>
    public async Task<int> SeenCountOnceAtLeastAsync(int count, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (Seen.Count < count && DateTime.UtcNow < deadline) await Task.Delay(20);
        return Seen.Count;
    }

    public static string Choices(int promptTokens, int completionTokens, params object[] choices) =>
        JsonSerializer.Serialize(new
        {
            id = "chatcmpl-test",
            @object = "chat.completion",
            choices,
            usage = new { prompt_tokens = promptTokens, completion_tokens = completionTokens, total_tokens = promptTokens + completionTokens },
        });

    protected override async Task HandleAsync(HttpListenerContext context)
    {
        if (context.Request.HttpMethod == "GET")
        {
            Interlocked.Increment(ref _modelsRequests);
            Send(context, ModelsReply is null ? 404 : 200, ModelsReply ?? "{}");
            return;
        }
        var body = JsonDocument.Parse(await BodyOf(context)).RootElement.Clone();
        int number = Interlocked.Increment(ref _requestCount);
        var reply = Respond(body, number);
        Seen.Enqueue((context.Request.Url!.AbsolutePath, context.Request.Headers["Authorization"], body, reply.Status));
        if (reply.Delay > TimeSpan.Zero) await Task.Delay(reply.Delay, Stopping.Token);
        Send(context, reply.Status, reply.Body, reply.Headers);
    }
}
