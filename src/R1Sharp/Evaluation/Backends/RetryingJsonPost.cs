using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace R1Sharp.Evaluation.Backends;

/// <summary>
/// One JSON POST with the retries every HTTP client of the library needs: transient statuses (429, 5xx), timeouts,
/// dropped connections and a 200 whose body does not parse are retried per a <see cref="RetryPolicy"/> (a server's
/// <c>Retry-After</c> first); a client error (4xx) fails at once. Parsing is the caller's: it says whether a body is
/// malformed, and the last malformed value is handed back when the retries run out, so partial replies are not lost.
/// </summary>
public static class RetryingJsonPost
{
    /// <summary>Posts <paramref name="body"/> to <paramref name="uri"/> until a reply parses or the retries are spent.</summary>
    /// <param name="http">Client (its own timeout should be infinite: <paramref name="attemptTimeout"/> applies).</param>
    /// <param name="uri">Where to post.</param>
    /// <param name="body">JSON request body.</param>
    /// <param name="apiKey">Bearer token, or null.</param>
    /// <param name="attemptTimeout">Time allowed for one attempt.</param>
    /// <param name="retry">Retries of transient failures.</param>
    /// <param name="parse">Reads a 200's body: the value, and a description of what is wrong with it (null when well formed).</param>
    /// <param name="cancellationToken">Cancels the waiting and the requests.</param>
    public static async Task<JsonPostOutcome<T>> SendAsync<T>(HttpClient http, Uri uri, string body, string? apiKey, TimeSpan attemptTimeout,
        RetryPolicy retry, Func<string, (T Value, string? Malformed)> parse, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(retry);
        ArgumentNullException.ThrowIfNull(parse);
        string lastProblem = "no attempt made";
        for (int attempt = 0; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            T? malformedValue = null;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(attemptTimeout);
                try
                {
                    using var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                    if (!string.IsNullOrEmpty(apiKey)) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
                    using var response = await http.SendAsync(message, timeout.Token).ConfigureAwait(false);
                    string reply = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                    {
                        var (value, malformed) = parse(reply);
                        if (malformed is null) return new JsonPostOutcome<T>(value, null);
                        // A broken or cut-off 200 is as transient as a 5xx: ask again rather than score a failure.
                        (lastProblem, malformedValue) = (malformed, value);
                    }
                    else
                    {
                        int status = (int)response.StatusCode;
                        lastProblem = $"HTTP {status} {response.ReasonPhrase}: {Preview(reply)}";
                        if (!RetryPolicy.IsTransient(status)) return new JsonPostOutcome<T>(null, lastProblem);
                        retryAfter = RetryAfterOf(response);
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    lastProblem = $"timed out after {attemptTimeout.TotalSeconds:0.#} s";
                }
                catch (HttpRequestException e)
                {
                    lastProblem = $"connection failed: {e.Message}";
                }
            }
            if (attempt >= retry.MaxRetries)
                return new JsonPostOutcome<T>(malformedValue, $"{lastProblem} (gave up after {attempt + 1} attempts)");
            await Task.Delay(retry.DelayBefore(attempt, retryAfter, Random.Shared.NextDouble()), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The first 200 characters of a reply on one line, for error messages.</summary>
    public static string Preview(string text) =>
        text.Length <= 200 ? text.ReplaceLineEndings(" ") : text[..200].ReplaceLineEndings(" ") + "...";

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date - DateTimeOffset.UtcNow;
        return response.StatusCode == HttpStatusCode.TooManyRequests && response.Headers.TryGetValues("retry-after-ms", out var ms)
            && double.TryParse(ms.FirstOrDefault(), System.Globalization.CultureInfo.InvariantCulture, out double milliseconds)
            ? TimeSpan.FromMilliseconds(milliseconds)
            : null;
    }
}
