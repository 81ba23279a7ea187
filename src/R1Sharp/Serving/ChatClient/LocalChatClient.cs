using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using R1Sharp.Generation;
using R1Sharp.Serving.Http;
using R1Sharp.Serving.Protocol;

namespace R1Sharp.Serving.ChatClient;

/// <summary>
/// <see cref="IChatClient"/> over an in-process model: a .NET app uses an R1Sharp model exactly as it would any
/// other Microsoft.Extensions.AI chat client (OpenAI, Ollama, ...). Requests go through the same
/// continuous-batching engine as the HTTP server, so many concurrent calls are batched together.
/// </summary>
public sealed class LocalChatClient : IChatClient
{
    private readonly ServedModel _served;
    private readonly ServeOptions _limits;
    private readonly ChatClientMetadata _metadata;

    /// <summary>Wraps a served model; <paramref name="limits"/> bounds max tokens as the server does.</summary>
    public LocalChatClient(ServedModel served, ServeOptions? limits = null)
    {
        _served = served ?? throw new ArgumentNullException(nameof(served));
        if (served.ChatFormatter is null) throw new ArgumentException("the model has no chat template", nameof(served));
        _limits = limits ?? new ServeOptions();
        _metadata = new ChatClientMetadata("r1sharp", null, served.Name);
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var run = Start(messages, options, cancellationToken);
        await foreach (var _ in run.ReadAllAsync(cancellationToken).ConfigureAwait(false)) { }
        var decoder = run.Decoders[0];
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, decoder.Text))
        {
            ModelId = _served.Name,
            FinishReason = Finish(decoder.Finish),
            Usage = Usage(run),
        };
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var run = Start(messages, options, cancellationToken);
        await foreach (var update in run.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (update.Delta.Length == 0 && update.Finish is null) continue;
            var chunk = new ChatResponseUpdate(ChatRole.Assistant, update.Delta) { ModelId = _served.Name };
            if (update.Finish is not null)
            {
                chunk.FinishReason = Finish(update.Finish);
                chunk.Contents.Add(new UsageContent(Usage(run)));
            }
            yield return chunk;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return _metadata;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>The engine belongs to whoever created the <see cref="ServedModel"/>; nothing to free here.</summary>
    public void Dispose() { }

    private CompletionRun Start(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var turns = messages.Select(m => new ChatTurn(m.Role.Value, m.Text)).ToList();
        if (turns.Count == 0) throw new ArgumentException("no messages", nameof(messages));
        string prompt = _served.ChatFormatter!.Format(turns, addGenerationPrompt: true);
        var ids = _served.Tokenizer.Encode(prompt, addSpecialTokens: false);
        int maxTokens = Math.Min(options?.MaxOutputTokens ?? _limits.DefaultMaxTokens, _limits.MaxTokensLimit);
        var parameters = new CompletionParameters(
            N: 1,
            Temperature: options?.Temperature ?? 1.0,
            TopP: options?.TopP ?? 1.0,
            MaxTokens: Math.Min(maxTokens, _served.Engine.ContextLength - ids.Count),
            Stop: options?.StopSequences?.ToList() ?? [],
            Seed: options?.Seed,
            LogProbs: false,
            Stream: false,
            IncludeUsage: false);
        if (parameters.MaxTokens < 1)
            throw new ArgumentException($"the prompt ({ids.Count} tokens) fills the context length {_served.Engine.ContextLength}");
        var run = new CompletionRun(_served, [ids], parameters, cancellationToken);
        run.Submit(_served.Engine);
        return run;
    }

    private static ChatFinishReason? Finish(FinishReason? reason) => reason switch
    {
        FinishReason.Length => ChatFinishReason.Length,
        null => null,
        _ => ChatFinishReason.Stop,
    };

    private static UsageDetails Usage(CompletionRun run) => new()
    {
        InputTokenCount = run.PromptTokens,
        OutputTokenCount = run.CompletionTokens,
        TotalTokenCount = run.PromptTokens + run.CompletionTokens,
    };
}
