using System.Threading.Channels;
using R1Sharp.Generation;

namespace R1Sharp.Serving.Engine;

/// <summary>
/// One sequence to generate: its prompt, its own sampling options (each request may differ) and the channel its
/// tokens are written to as they are produced. A request with n choices becomes n jobs.
/// </summary>
public sealed class GenerationJob
{
    private readonly Channel<TokenEvent> _events = Channel.CreateUnbounded<TokenEvent>(new() { SingleReader = true, SingleWriter = true });

    /// <summary>Creates a job. <paramref name="options"/>.Seed, when set, makes the job's sampling reproducible on its own.</summary>
    public GenerationJob(IReadOnlyList<int> promptIds, SamplingOptions options, CancellationToken cancellationToken)
    {
        PromptIds = promptIds ?? throw new ArgumentNullException(nameof(promptIds));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        CancellationToken = cancellationToken;
    }

    /// <summary>Prompt token ids.</summary>
    public IReadOnlyList<int> PromptIds { get; }

    /// <summary>Sampling options for this sequence only.</summary>
    public SamplingOptions Options { get; }

    /// <summary>Cancelled when the client goes away: the engine then drops the sequence at the next step.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Tokens as they come, then one final event with the finish reason.</summary>
    public ChannelReader<TokenEvent> Events => _events.Reader;

    internal ChannelWriter<TokenEvent> Writer => _events.Writer;
}
