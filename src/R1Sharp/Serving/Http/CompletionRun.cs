using System.Threading.Channels;
using R1Sharp.Generation;
using R1Sharp.Serving.Engine;
using R1Sharp.Serving.Protocol;

namespace R1Sharp.Serving.Http;

/// <summary>
/// The jobs of one HTTP request (prompts x n choices) and their decoders; <see cref="ReadAllAsync"/> merges every
/// choice's token stream into one ordered sequence of updates for the response writer.
/// </summary>
internal sealed class CompletionRun
{
    private readonly List<GenerationJob> _jobs = [];

    public CompletionRun(ServedModel served, IReadOnlyList<IReadOnlyList<int>> prompts, CompletionParameters parameters, CancellationToken cancellationToken)
    {
        var tokenizer = served.Tokenizer;
        foreach (var prompt in prompts)
            for (int j = 0; j < parameters.N; j++)
            {
                var options = new SamplingOptions
                {
                    MaxNewTokens = parameters.MaxTokens,
                    Temperature = parameters.Temperature,
                    TopP = parameters.TopP,
                    EosIds = tokenizer.EosIds,
                    StopStrings = parameters.Stop,
                    Decoder = parameters.Stop.Count > 0 ? ids => ChoiceDecoder.DecodeText(tokenizer, ids) : null,
                    Seed = parameters.Seed is long seed ? seed + j : null,
                    PadId = tokenizer.PadId,
                    SampleableIds = SampleableIds.Of(tokenizer),
                };
                _jobs.Add(new GenerationJob(prompt, options, cancellationToken));
                Decoders.Add(new ChoiceDecoder(tokenizer, parameters.Stop));
            }
        PromptTokens = prompts.Sum(p => p.Count);
    }

    public List<ChoiceDecoder> Decoders { get; } = [];

    public int PromptTokens { get; }

    public int CompletionTokens => Decoders.Sum(d => d.Tokens.Count);

    /// <summary>Submits every job; if the queue refuses one, the ones already queued are abandoned by the caller's token.</summary>
    public void Submit(ContinuousBatchingEngine engine)
    {
        foreach (var job in _jobs) engine.Submit(job);
    }

    /// <summary>(choice index, text delta, token, finish) for every event of every choice, as they come.</summary>
    public async IAsyncEnumerable<ChoiceUpdate> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var merged = Channel.CreateUnbounded<ChoiceUpdate>();
        var readers = _jobs.Select((job, index) => Task.Run(async () =>
        {
            var decoder = Decoders[index];
            await foreach (var e in job.Events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (e.Finish is FinishReason reason)
                    await merged.Writer.WriteAsync(new ChoiceUpdate(index, decoder.Complete(reason), null, 0, reason), cancellationToken).ConfigureAwait(false);
                else
                    await merged.Writer.WriteAsync(new ChoiceUpdate(index, decoder.Add(e.TokenId, e.LogProb), e.TokenId, e.LogProb, null), cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken)).ToArray();
        _ = Task.WhenAll(readers).ContinueWith(t => merged.Writer.TryComplete(t.Exception?.GetBaseException()), TaskScheduler.Default);
        await foreach (var update in merged.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            yield return update;
    }
}

/// <summary>One step of one choice: the text it adds, the token (null on the final update) and the finish reason.</summary>
internal sealed record ChoiceUpdate(int Choice, string Delta, int? Token, float LogProb, FinishReason? Finish);
