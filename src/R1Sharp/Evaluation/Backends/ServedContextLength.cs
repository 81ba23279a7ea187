using System.Net.Http.Headers;

namespace R1Sharp.Evaluation.Backends;

/// <summary>
/// The served model's context length for the HTTP backends: <see cref="OpenAICompatibleOptions.ContextLength"/> when
/// given, else asked once from the server's <c>/models</c> (vLLM's <c>max_model_len</c>); null when the server does not say.
/// </summary>
internal sealed class ServedContextLength(HttpClient http, OpenAICompatibleOptions options) : IDisposable
{
    private readonly SemaphoreSlim _lookup = new(1, 1);
    private int? _contextLength;
    private bool _known;

    /// <summary>The context length, or null when neither the options nor the server give one.</summary>
    public async Task<int?> GetAsync(CancellationToken cancellationToken)
    {
        if (options.ContextLength is { } configured) return configured;
        await _lookup.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_known) return _contextLength;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            try
            {
                using var message = new HttpRequestMessage(HttpMethod.Get, options.ModelsUri);
                if (!string.IsNullOrEmpty(options.ApiKey))
                    message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
                using var response = await http.SendAsync(message, timeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                    _contextLength = ContextWindow.FromModelsReply(await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false), options.Model);
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // No /models (hosted APIs, llama.cpp variants): leave max_tokens as asked.
            }
            _known = true;
            return _contextLength;
        }
        finally
        {
            _lookup.Release();
        }
    }

    public void Dispose() => _lookup.Dispose();
}
