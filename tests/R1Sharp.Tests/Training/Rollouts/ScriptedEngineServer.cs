using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

using R1Sharp.Tests.TestServers;

namespace R1Sharp.Tests.Training.Rollouts;

/// <summary>
/// An in-process HTTP server (HttpListener on 127.0.0.1) that answers as a scripted vLLM or SGLang server: every request's
/// path and body go to <see cref="Respond"/>, which returns the status, body and an optional delay. Records each call.
/// </summary>
internal sealed class ScriptedEngineServer : LoopbackHttpServer
{
    public sealed record Reply(int Status, string Body, TimeSpan Delay = default);

    public sealed record Call(string Path, string Query, string Body);

    public ScriptedEngineServer(Func<string, string, Reply> respond)
        : base("/")
    {
        Respond = respond;
        BaseUri = Root;
        Start();
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

    protected override async Task HandleAsync(HttpListenerContext context)
    {
        string body = await BodyOf(context);
        string path = context.Request.Url!.AbsolutePath;
        Calls.Enqueue(new Call(path, context.Request.Url.Query, body));
        var reply = Respond(path, body);
        if (reply.Delay > TimeSpan.Zero) await Task.Delay(reply.Delay, Stopping.Token);
        Send(context, reply.Status, reply.Body);
    }
}
