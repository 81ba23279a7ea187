using Microsoft.Extensions.AI;
using R1Sharp.Evaluation.Backends;

namespace R1Sharp.Distillation;

/// <summary>
/// A teacher behind any <see cref="IChatClient"/> (Microsoft.Extensions.AI): the in-process model through
/// <c>R1Sharp.Serving.ChatClient.LocalChatClient</c>, or any provider a .NET application already uses. Each of
/// the n samples is one request (IChatClient has no <c>n</c>); failures become failed samples, as with servers.
/// </summary>
public sealed class ChatClientTeacher : ICompletionBackend
{
    private readonly IChatClient _client;
    private readonly string _name;

    /// <summary>Wraps <paramref name="client"/>; <paramref name="name"/> describes it in logs.</summary>
    public ChatClientTeacher(IChatClient client, string name)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _name = name ?? throw new ArgumentNullException(nameof(name));
    }

    /// <inheritdoc />
    public string Description => _name;

    /// <inheritdoc />
    public async Task<IReadOnlyList<Completion>> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var messages = request.Messages.Select(m => new ChatMessage(new ChatRole(m.Role), m.Content)).ToList();
        var results = new Completion[request.Count];
        for (int i = 0; i < request.Count; i++)
        {
            var options = new ChatOptions
            {
                Temperature = (float)request.Sampling.Temperature,
                TopP = (float)request.Sampling.TopP,
                MaxOutputTokens = request.Sampling.MaxTokens,
                Seed = request.Sampling.Seed is { } seed ? seed + i : null,
            };
            try
            {
                var response = await _client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
                string finish = response.FinishReason == ChatFinishReason.Length ? "length" : "stop";
                results[i] = new Completion(response.Text, (int?)response.Usage?.OutputTokenCount, false, finish, null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                results[i] = Completion.Failure($"{_name}: {e.Message}");
            }
        }
        return results;
    }
}
