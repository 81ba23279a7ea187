using System.Net;
using System.Net.Sockets;
using System.Text;

namespace R1Sharp.Tests.TestServers;

/// <summary>
/// The plumbing the tests' scripted HTTP servers share: an HttpListener on a free 127.0.0.1 port, an accept loop
/// that hands each request to <see cref="HandleAsync"/> on its own task, and a clean stop. A subclass sets its
/// state, then calls <see cref="Start"/> as the last step of its constructor.
/// </summary>
internal abstract class LoopbackHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private Task _loop = Task.CompletedTask;

    /// <param name="pathPrefix">The path the listener serves, e.g. "/" or "/v1/".</param>
    protected LoopbackHttpServer(string pathPrefix)
    {
        // Ask the OS for a free port, then listen on it (HttpListener cannot bind port 0 itself).
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Root = new Uri($"http://127.0.0.1:{port}{pathPrefix}");
        _listener.Prefixes.Add(Root.ToString());
    }

    /// <summary>The served prefix (with a trailing slash).</summary>
    protected Uri Root { get; }

    /// <summary>Cancelled when the server stops (delays in replies should wait on it).</summary>
    protected CancellationTokenSource Stopping { get; } = new();

    /// <summary>Starts accepting requests.</summary>
    protected void Start()
    {
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Answers one request; exceptions after the server stopped, or from a client that left, are ignored.</summary>
    protected abstract Task HandleAsync(HttpListenerContext context);

    /// <summary>Sends a JSON reply: headers and body in one write (separate writes meet delayed ACKs, ~40 ms a request).</summary>
    protected static void Send(HttpListenerContext context, int status, string body, IReadOnlyDictionary<string, string>? headers = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            context.Response.Headers[name] = value;
        context.Response.Close(Encoding.UTF8.GetBytes(body), willBlock: false);
    }

    /// <summary>The request's body as text.</summary>
    protected static async Task<string> BodyOf(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    private async Task AcceptLoopAsync()
    {
        while (!Stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (Stopping.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => GuardedAsync(context));
        }
    }

    private async Task GuardedAsync(HttpListenerContext context)
    {
        try
        {
            await HandleAsync(context);
        }
        catch (Exception) when (Stopping.IsCancellationRequested)
        {
        }
        catch (HttpListenerException)
        {
            // The client gave up (timeout tests); nothing to answer.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Stopping.Cancel();
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }
        Stopping.Dispose();
    }
}
