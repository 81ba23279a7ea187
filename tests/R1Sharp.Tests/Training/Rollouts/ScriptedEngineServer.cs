using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace R1Sharp.Tests.Training.Rollouts;

/// <summary>
/// An in-process HTTP server (HttpListener on 127.0.0.1) that answers as a scripted vLLM or SGLang server: every request's
/// path and body go to <see cref="Respond"/>, which returns the status, body and an optional delay. Records each call.
/// </summary>
internal sealed class ScriptedEngineServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public sealed record Reply(int Status, string Body, TimeSpan Delay = default);

    public sealed record Call(string Path, string Query, string Body);

    public ScriptedEngineServer(Func<string, string, Reply> respond)
    {
        Respond = respond;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseUri.ToString());
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Func<string, string, Reply> Respond { get; }

    public Uri BaseUri { get; }

    public ConcurrentQueue<Call> Calls { get; } = new();

    /// <summary>The paths of the calls other than completions, in arrival order.</summary>
    public IReadOnlyList<string> ControlPaths => [.. Calls.Where(c => c.Path != "/v1/completions").Select(c => c.Path)];

    /// <summary>A vLLM-shaped completion: token ids as <c>token_id:N</c> (return_tokens_as_token_ids) and in <c>token_ids</c> when asked.</summary>
    public static string VllmCompletion(int[] tokens, float[] logProbs, string finish, bool withTokenIds) => JsonSerializer.Serialize(new
    {
        id = "cmpl-1",
        @object = "text_completion",
        model = "m",
        choices = new object[]
        {
            withTokenIds
                ? new { index = 0, text = "", logprobs = LegacyLogProbs(tokens, logProbs), finish_reason = finish, token_ids = tokens }
                : (object)new { index = 0, text = "", logprobs = LegacyLogProbs(tokens, logProbs), finish_reason = finish },
        },
    });

    /// <summary>An SGLang-shaped completion: token text in <c>logprobs.tokens</c>, no ids.</summary>
    public static string SglangCompletion(string text, string[] tokenTexts, float[] logProbs, string finish) => JsonSerializer.Serialize(new
    {
        id = "cmpl-1",
        @object = "text_completion",
        model = "m",
        choices = new[] { new { index = 0, text, logprobs = new { tokens = tokenTexts, token_logprobs = logProbs, top_logprobs = tokenTexts.Select(_ => (object?)null), text_offset = tokenTexts.Select(_ => -1) }, finish_reason = finish } },
    });

    private static object LegacyLogProbs(int[] tokens, float[] logProbs) => new
    {
        tokens = tokens.Select(t => $"token_id:{t}").ToArray(),
        token_logprobs = logProbs,
        top_logprobs = tokens.Select((t, i) => new Dictionary<string, float> { [$"token_id:{t}"] = logProbs[i] }).ToArray(),
        text_offset = tokens.Select((_, i) => i).ToArray(),
    };

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
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            string body = await reader.ReadToEndAsync();
            string path = context.Request.Url!.AbsolutePath;
            Calls.Enqueue(new Call(path, context.Request.Url.Query, body));
            var reply = Respond(path, body);
            if (reply.Delay > TimeSpan.Zero) await Task.Delay(reply.Delay, _stop.Token);
            context.Response.StatusCode = reply.Status;
            context.Response.ContentType = "application/json";
            context.Response.Close(Encoding.UTF8.GetBytes(reply.Body), willBlock: false);
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (HttpListenerException)
        {
            // The client gave up (timeout test).
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
