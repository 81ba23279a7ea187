using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace R1Sharp.Bench.Evaluation;

/// <summary>An OpenAI chat completions server on 127.0.0.1 that answers at once with n canned choices of a given length.</summary>
internal sealed class InstantChatServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly string _content;

    public InstantChatServer(int responseCharacters)
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUri = new Uri($"http://127.0.0.1:{port}/v1");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/v1/");
        _listener.Start();
        // A reasoning-shaped response: text, then the boxed answer the judge will extract.
        _content = "<think>" + new string('x', Math.Max(0, responseCharacters - 30)) + "</think> \\boxed{42}";
        _loop = Task.Run(LoopAsync);
    }

    public Uri BaseUri { get; }

    private async Task LoopAsync()
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
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        if (context.Request.HttpMethod == "GET")
        {
            context.Response.StatusCode = 404;
            context.Response.Close();
            return;
        }
        using var body = await JsonDocument.ParseAsync(context.Request.InputStream);
        int n = body.RootElement.GetProperty("n").GetInt32();
        var choices = Enumerable.Range(0, n).Select(i => new { index = i, message = new { role = "assistant", content = _content }, finish_reason = "stop" });
        byte[] reply = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { choices, usage = new { prompt_tokens = 50, completion_tokens = n * _content.Length / 4 } }));
        context.Response.ContentType = "application/json";
        context.Response.Close(reply, willBlock: false);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
