using R1Sharp.Generation;
using R1Sharp.Tasks;
using R1Sharp.Text;
using R1Sharp.Text.Templates;
using R1Sharp.Text.Tokenization;
using R1Sharp.Tools;
using R1Sharp.Training.Rollouts;

namespace R1Sharp.Evaluation.Backends;

/// <summary>
/// <c>r1 eval --tools --endpoint</c> (issue 20): GRPO's tool loop (<see cref="ToolCallingRollouts"/>, the one
/// <see cref="LocalModelBackend"/> runs) with an OpenAI-compatible server sampling each round. The conversation is held
/// as token ids here, with the served model's tokenizer and chat template: the prompt is rendered and tokenized once,
/// each round is a <c>POST /completions</c> whose prompt is the conversation's ids (<c>return_token_ids</c> returns the
/// generated ones), a closed call runs in the sandbox, and its tool message is tokenized and appended. So the server
/// needs no tool support and any base model works; the markup, limits and token budget are the local loop's, and an
/// endpoint and a local model give the same records for the same model.
/// </summary>
/// <remarks>
/// The loop stops a row where the local generator's stop condition would (a closed call): the server is asked to stop
/// at <c>&lt;/tool_call&gt;</c> and at every <c>```</c>; when the text so far does not end in a call (an opening fence, a
/// fence of another language), the row goes on with another request from where it stopped. Transient failures are
/// retried as <see cref="OpenAICompatibleBackend"/> retries them (<see cref="RetryingJsonPost"/>); when a request's
/// retries are spent, every sample of that request fails (rerun to retry them).
/// </remarks>
public sealed class ToolCallingEndpointBackend : ICompletionBackend, IDisposable
{
    /// <summary>Stop strings sent with every request: the ends of both call formats (a fence also starts one; the loop then continues).</summary>
    public static IReadOnlyList<string> StopStrings { get; } = [ToolCallParser.CallClose, ToolCallParser.Fence];

    private readonly OpenAICompatibleOptions _options;
    private readonly ITextTokenizer _tokenizer;
    private readonly Func<IReadOnlyList<PromptMessage>, string> _formatPrompt;
    private readonly ToolCallingRollouts _tools;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ServedContextLength _context;
    private ConfiguredTools? _ownedTools;

    /// <summary>Wraps the parts.</summary>
    /// <param name="options">Endpoint, model, key, timeouts and retries (as for <see cref="OpenAICompatibleBackend"/>).</param>
    /// <param name="tokenizer">The served model's tokenizer.</param>
    /// <param name="formatPrompt">Renders the conversation into the prompt text, generation prompt included (the served model's chat template).</param>
    /// <param name="tools">The tool loop.</param>
    /// <param name="httpClient">A client to use (its timeout is ignored); null to create one.</param>
    public ToolCallingEndpointBackend(OpenAICompatibleOptions options, ITextTokenizer tokenizer, Func<IReadOnlyList<PromptMessage>, string> formatPrompt,
        ToolCallingRollouts tools, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Endpoint.Scheme is not ("http" or "https"))
            throw new ArgumentException($"endpoint must be an http(s) URL, got '{options.Endpoint}'", nameof(options));
        if (string.IsNullOrWhiteSpace(options.Model)) throw new ArgumentException("model name is required", nameof(options));
        _options = options;
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        _formatPrompt = formatPrompt ?? throw new ArgumentNullException(nameof(formatPrompt));
        _tools = tools ?? throw new ArgumentNullException(nameof(tools));
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
        _context = new ServedContextLength(_http, options);
    }

    /// <summary>
    /// The backend for the model served at <paramref name="options"/>, with its tokenizer.json and chat template read
    /// from <paramref name="tokenizerDirectory"/> (its checkpoint directory, as vLLM's <c>--tokenizer</c>) and the tools of
    /// <paramref name="tools"/> (started here, disposed with the backend). Tool messages take the prompt's template, as
    /// <see cref="LocalModelBackend.LoadAsync"/> does.
    /// </summary>
    /// <exception cref="Rewards.Sandbox.SandboxUnavailableException">python is asked for and bubblewrap cannot run here.</exception>
    public static async Task<ToolCallingEndpointBackend> LoadAsync(OpenAICompatibleOptions options, string tokenizerDirectory, ToolSettings tools,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var template = ModelDirectoryTokenizer.LoadTemplate(tokenizerDirectory);
        var tokenizer = ModelDirectoryTokenizer.Load(tokenizerDirectory);
        var templateOptions = new ChatTemplateOptions { AddGenerationPrompt = true };
        string Format(IReadOnlyList<PromptMessage> messages) => template.Render(messages.Select(m => (m.Role, m.Content)), templateOptions);
        var configured = await ConfiguredTools.CreateAsync(tools, tokenizer, LocalModelBackend.ToolFormatFor(Format([new PromptMessage("user", "?")])),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return new ToolCallingEndpointBackend(options, tokenizer, Format, configured.Rollouts!) { _ownedTools = configured };
    }

    /// <inheritdoc />
    public string Description => $"{_options.Model} @ {_options.CompletionsUri} (tool loop here)";

    /// <inheritdoc />
    public async Task<IReadOnlyList<Completion>> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Count, 1);
        var prompt = _tokenizer.Encode(_formatPrompt(request.Messages), addSpecialTokens: false);
        int? context = await _context.GetAsync(cancellationToken).ConfigureAwait(false);
        int maxNewTokens = context is { } length ? Math.Min(request.Sampling.MaxTokens, length - prompt.Count) : request.Sampling.MaxTokens;
        if (maxNewTokens < 1) return Fail(request.Count, $"the prompt ({prompt.Count} tokens) fills the model's context of {context}");
        var sampling = new SamplingOptions
        {
            MaxNewTokens = maxNewTokens,
            Temperature = request.Sampling.Temperature,
            TopP = request.Sampling.TopP,
            EosIds = _tokenizer.EosIds,
            PadId = _tokenizer.PadId,
        };
        long seed = request.Sampling.Seed ?? Random.Shared.NextInt64(int.MaxValue);
        try
        {
            var rollouts = await _tools.GenerateAsync(GenerateRoundAsync, context ?? int.MaxValue, Enumerable.Repeat(prompt, request.Count).ToList(),
                sampling, seed, cancellationToken).ConfigureAwait(false);
            return rollouts.OrderBy(r => r.PromptIndex).Select(r => LocalModelBackend.ToolCompletion(r, _tokenizer)).ToList();
        }
        catch (EndpointFailedException e)
        {
            return Fail(request.Count, e.Message);
        }
        catch (ArgumentException e)
        {
            return Fail(request.Count, "generation rejected the request: " + e.Message);
        }
    }

    /// <summary>One round: every row generates, concurrently, until EOS, the round's room, or a closed call.</summary>
    private async Task<IReadOnlyList<GeneratedSequence>> GenerateRoundAsync(IReadOnlyList<IReadOnlyList<int>> prompts, SamplingOptions options, long seed,
        CancellationToken cancellationToken) =>
        await Task.WhenAll(prompts.Select((prompt, row) => GenerateRowAsync(row, prompt, options, seed + row * 7_777L, cancellationToken))).ConfigureAwait(false);

    private async Task<GeneratedSequence> GenerateRowAsync(int row, IReadOnlyList<int> prompt, SamplingOptions options, long seed, CancellationToken cancellationToken)
    {
        var tokens = new List<int>();
        for (int part = 0; ; part++)
        {
            var reply = await PostAsync([.. prompt, .. tokens], options.MaxNewTokens - tokens.Count, options, seed + part * 104_729L, cancellationToken).ConfigureAwait(false);
            if (reply.Tokens.Length == 0) throw new EndpointFailedException($"the server returned no tokens (finish_reason '{reply.FinishReason}')");
            foreach (int id in reply.Tokens)
            {
                tokens.Add(id);
                // The local generator's checks, token by token: EOS, then a closed call (the server may run past it).
                if (options.EosIds.Contains(id)) return Sequence(row, tokens, FinishReason.Eos);
                if (options.StopWhen?.Invoke(tokens) == true) return Sequence(row, tokens, FinishReason.StopCondition);
                if (tokens.Count >= options.MaxNewTokens) return Sequence(row, tokens, FinishReason.Length);
            }
            if (reply.FinishReason == "length") return Sequence(row, tokens, FinishReason.Length);
            // A stop string that closed no call (an opening fence): go on from here. Anything else is the end (an EOS the server left out).
            if (reply.FinishReason != "stop" || !StoppedAtString(reply)) return Sequence(row, tokens, FinishReason.Eos);
        }
    }

    /// <summary>Whether a reply ended at one of <see cref="StopStrings"/>: vLLM says so in <c>stop_reason</c>; otherwise its last token completed one.</summary>
    private bool StoppedAtString(TokenCompletionsWireFormat.Reply reply)
    {
        if (reply.StopString is { } stop) return StopStrings.Contains(stop);
        string text = _tokenizer.Decode(reply.Tokens), before = _tokenizer.Decode(reply.Tokens[..^1]);
        return StopStrings.Any(s => text.Contains(s, StringComparison.Ordinal) && !before.Contains(s, StringComparison.Ordinal));
    }

    private static GeneratedSequence Sequence(int row, List<int> tokens, FinishReason reason) =>
        new(row, [.. tokens], new float[tokens.Count], null, reason);

    private async Task<TokenCompletionsWireFormat.Reply> PostAsync(IReadOnlyList<int> prompt, int maxTokens, SamplingOptions options, long seed, CancellationToken cancellationToken)
    {
        string body = TokenCompletionsWireFormat.BuildRequest(_options.Model, prompt, maxTokens, options.Temperature, options.TopP, seed & int.MaxValue, StopStrings);
        var outcome = await RetryingJsonPost.SendAsync(_http, _options.CompletionsUri, body, _options.ApiKey, _options.RequestTimeout, _options.Retry,
            reply => (TokenCompletionsWireFormat.ParseReply(reply, out string? malformed)!, malformed), cancellationToken).ConfigureAwait(false);
        if (outcome.Problem is not null) throw new EndpointFailedException(outcome.Problem);
        if (outcome.Value!.Unsupported is { } unsupported) throw new EndpointFailedException(unsupported);
        return outcome.Value;
    }

    private static Completion[] Fail(int count, string error) =>
        Enumerable.Range(0, count).Select(_ => Completion.Failure(error)).ToArray();

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
        _context.Dispose();
        _ownedTools?.Dispose();
    }

    /// <summary>A request of the loop failed for good: the samples of the request fail with its message.</summary>
    private sealed class EndpointFailedException(string message) : Exception(message);
}
