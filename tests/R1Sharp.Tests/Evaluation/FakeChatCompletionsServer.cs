using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace R1Sharp.Tests.Evaluation;

/// <summary>
/// A minimal OpenAI chat completions server on 127.0.0.1 (HttpListener) for end-to-end tests. Each request's JSON
/// body is passed to <see cref="Respond"/>, which returns the status, body and extra headers to send.
/// </summary>
internal sealed class FakeChatCompletionsServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requestCount;

    public FakeChatCompletionsServer(Func<JsonElement, int, Reply> respond)
    {
        Respond = respond;
        // Ask the OS for a free port, then listen on it (HttpListener cannot bind port 0 itself).
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUri = new Uri($"http://127.0.0.1:{port}/v1");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/v1/");
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public sealed record Reply(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null, TimeSpan Delay = default);

    public Func<JsonElement, int, Reply> Respond { get; }

    /// <summary>The body of GET /v1/models, or null to answer it with 404.</summary>
    public string? ModelsReply { get; init; }

    public int ModelsRequests => _modelsRequests;

    private int _modelsRequests;

    public Uri BaseUri { get; }

    public ConcurrentQueue<(string Path, string? Authorization, JsonElement Body, int Status)> Seen { get; } = new();

    public static string Choices(int promptTokens, int completionTokens, params object[] choices) =>
        JsonSerializer.Serialize(new
        {
            id = "chatcmpl-test",
            @object = "chat.completion",
            choices,
            usage = new { prompt_tokens = promptTokens, completion_tokens = completionTokens, total_tokens = promptTokens + completionTokens },
        });

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            if (context.Request.HttpMethod == "GET")
            {
                Interlocked.Increment(ref _modelsRequests);
                context.Response.StatusCode = ModelsReply is null ? 404 : 200;
                await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(ModelsReply ?? "{}"));
                context.Response.Close();
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone();
            int number = Interlocked.Increment(ref _requestCount);
            var reply = Respond(body, number);
            Seen.Enqueue((context.Request.Url!.AbsolutePath, context.Request.Headers["Authorization"], body, reply.Status));
            if (reply.Delay > TimeSpan.Zero) await Task.Delay(reply.Delay, _stop.Token);
            context.Response.StatusCode = reply.Status;
            context.Response.ContentType = "application/json";
            foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
                context.Response.Headers[name] = value;
            byte[] bytes = Encoding.UTF8.GetBytes(reply.Body);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (HttpListenerException)
        {
            // The client gave up (timeout test); nothing to answer.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }
        _stop.Dispose();
    }
}
