using System.Diagnostics;
using System.Text;

namespace R1Sharp.Tools;

/// <summary>
/// Runs the tool calls of rollouts against a set of registered tools. Nothing a tool does ends the rollout: an
/// unreadable call, an unknown tool, an exception, a timeout each become a message the model sees, and every
/// output is cut to <see cref="MaxOutputBytes"/> (UTF-8) with a note saying how much there was.
/// </summary>
public sealed class ToolRunner
{
    private readonly Dictionary<string, ITool> _tools;

    /// <summary>Registers the tools.</summary>
    /// <param name="tools">The tools, with distinct names.</param>
    /// <param name="timeout">Wall-clock limit of one call (default 30 s); a call still running is cancelled and reported as timed out.</param>
    /// <param name="maxOutputBytes">Most UTF-8 bytes of output shown to the model (default 4096).</param>
    /// <exception cref="ArgumentException">Two tools share a name, or a limit is not positive.</exception>
    public ToolRunner(IEnumerable<ITool> tools, TimeSpan? timeout = null, int maxOutputBytes = 4096)
    {
        ArgumentNullException.ThrowIfNull(tools);
        _tools = new Dictionary<string, ITool>(StringComparer.Ordinal);
        foreach (var tool in tools)
            if (!_tools.TryAdd(tool.Name, tool)) throw new ArgumentException($"two tools are named '{tool.Name}'", nameof(tools));
        Timeout = timeout ?? TimeSpan.FromSeconds(30);
        if (Timeout <= TimeSpan.Zero) throw new ArgumentException("the tool timeout must be positive", nameof(timeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOutputBytes, 1);
        MaxOutputBytes = maxOutputBytes;
    }

    /// <summary>Wall-clock limit of one call.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Most UTF-8 bytes of output the model sees per call.</summary>
    public int MaxOutputBytes { get; }

    /// <summary>The registered tools' names.</summary>
    public IReadOnlyCollection<string> Names => _tools.Keys;

    /// <summary>Runs one parsed call. Never throws for the tool's faults; only <paramref name="cancellationToken"/> cancels.</summary>
    public async Task<ToolOutcome> RunAsync(ParsedToolCall parsed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        var clock = Stopwatch.StartNew();
        if (parsed.Call is not { } call) return Outcome(parsed.Error ?? "error: unreadable tool call", true, clock);
        if (!_tools.TryGetValue(call.Name, out var tool))
            return Outcome($"error: there is no tool named '{call.Name}' (tools: {string.Join(", ", _tools.Keys.Order(StringComparer.Ordinal))})", true, clock);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Timeout);
        try
        {
            // WaitAsync: a tool that ignores its token still gives the rollout back at the timeout.
            string output = await tool.InvokeAsync(call.Arguments, limit.Token).WaitAsync(limit.Token).ConfigureAwait(false);
            return Outcome(output, false, clock);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Outcome($"error: tool '{call.Name}' timed out after {Timeout.TotalSeconds:0.###} s", true, clock);
        }
        catch (ToolFailedException e)
        {
            return Outcome(e.Message, true, clock);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Outcome($"error: {e.GetType().Name}: {e.Message}", true, clock);
        }
    }

    private ToolOutcome Outcome(string output, bool failed, Stopwatch clock) => new(Truncate(output, MaxOutputBytes), failed, clock.Elapsed);

    /// <summary>The text cut to at most <paramref name="maxBytes"/> UTF-8 bytes (at a character boundary) plus a note, or the text itself when it fits.</summary>
    public static string Truncate(string text, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        int total = Encoding.UTF8.GetByteCount(text);
        if (total <= maxBytes) return text;
        int chars = 0, bytes = 0;
        while (chars < text.Length)
        {
            int width = char.IsHighSurrogate(text[chars]) && chars + 1 < text.Length ? 2 : 1;
            int size = Encoding.UTF8.GetByteCount(text.AsSpan(chars, width));
            if (bytes + size > maxBytes) break;
            bytes += size;
            chars += width;
        }
        return text[..chars] + $"\n[output truncated: {total} bytes, {maxBytes} shown]";
    }
}
