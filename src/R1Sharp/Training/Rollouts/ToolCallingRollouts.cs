using R1Sharp.Generation;
using R1Sharp.Text;
using R1Sharp.Tools;

namespace R1Sharp.Training.Rollouts;

/// <summary>
/// Multi-turn rollouts: a completion may call tools. Generation runs in rounds over one batch: every live row
/// generates until EOS, the token budget, or the end of a tool call (<see cref="ToolCallParser"/>: a closed
/// <c>```python</c> fence or <c>&lt;/tool_call&gt;</c>, via <see cref="SamplingOptions.StopWhen"/>); the calls of the rows
/// that paused run concurrently, each started the moment its row writes it (<see cref="EarlyToolCalls"/>: while the
/// round's other rows still decode); each output, rendered as a tool message (<see cref="ToolMessageFormat"/>), is appended
/// to its row's completion and flagged as tool tokens (<see cref="ToolUse.ToolTokens"/>, masked out of the loss); then
/// those rows continue in the next round with their conversation so far as the prompt. Simplification: rows that
/// did not pause are not resumed while others wait for tools (a row that is done is simply absent from the next
/// round), so a round lasts as long as its longest row: correct, less overlapped than a continuous-batching engine.
/// The budget (<see cref="RolloutSettings.MaxNewTokens"/>) counts every completion token, tool output included; a
/// conversation that reaches it ends truncated.
/// </summary>
/// <param name="tokenizer">Decodes completions (to find calls) and encodes tool messages.</param>
/// <param name="options">Tools, iteration limit, message format.</param>
public sealed class ToolCallingRollouts(ITextTokenizer tokenizer, ToolRolloutOptions options)
{
    private const int TailTokens = 24;

    /// <summary>One rollout per prompt, in prompt order.</summary>
    /// <param name="generator">The policy's generator.</param>
    /// <param name="prompts">Prompt ids (repeat a prompt G times for a group).</param>
    /// <param name="sampling">Sampling options; <c>MaxNewTokens</c> is the whole completion's budget, tool output included.</param>
    /// <param name="maxBatchSize">Most rows generated at once.</param>
    /// <param name="seed">Seed of the request; round r and chunk c sample with a seed derived from (seed, r, c).</param>
    /// <param name="cancellationToken">Stops between rounds and inside generation.</param>
    public Task<IReadOnlyList<Rollout>> GenerateAsync(BatchedGenerator generator, IReadOnlyList<IReadOnlyList<int>> prompts,
        SamplingOptions sampling, int maxBatchSize, long seed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return GenerateAsync((inputs, options, roundSeed, token) => ChunkedGeneration.GenerateAll(generator, inputs, maxBatchSize, options,
            (index, _) => roundSeed + index * 7_777L, token), generator.Model.Config.MaxPositionEmbeddings, prompts, sampling, seed, cancellationToken);
    }

    /// <summary>One rollout per prompt, in prompt order, with any generator of rounds (a scripted one in tests).</summary>
    /// <param name="generate">Generates one round.</param>
    /// <param name="maxPositions">Longest sequence the model takes (prompt + completion).</param>
    /// <param name="prompts">Prompt ids.</param>
    /// <param name="sampling">Sampling options; <c>MaxNewTokens</c> is the whole completion's budget, tool output included.</param>
    /// <param name="seed">Seed of the request; round r samples with seed + r × 1,000,003.</param>
    /// <param name="cancellationToken">Stops between rounds and inside generation.</param>
    public Task<IReadOnlyList<Rollout>> GenerateAsync(RoundGenerator generate, int maxPositions, IReadOnlyList<IReadOnlyList<int>> prompts,
        SamplingOptions sampling, long seed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(generate);
        return GenerateAsync((inputs, options, roundSeed, token) => Task.FromResult(generate(inputs, options, roundSeed, token)), maxPositions, prompts, sampling, seed, cancellationToken);
    }

    /// <summary>One rollout per prompt, in prompt order, with a generator of rounds that waits on I/O (an HTTP server, issue 20).</summary>
    /// <inheritdoc cref="GenerateAsync(RoundGenerator, int, IReadOnlyList{IReadOnlyList{int}}, SamplingOptions, long, CancellationToken)" path="/param"/>
    public async Task<IReadOnlyList<Rollout>> GenerateAsync(AsyncRoundGenerator generate, int maxPositions, IReadOnlyList<IReadOnlyList<int>> prompts,
        SamplingOptions sampling, long seed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(generate);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(sampling);
        int budget = sampling.MaxNewTokens;
        int positions = maxPositions;
        var rows = prompts.Select(_ => new ConversationRow()).ToArray();
        var live = Enumerable.Range(0, prompts.Count).ToList();
        for (int round = 0; live.Count > 0; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var inputs = live.Select(i => (IReadOnlyList<int>)[.. prompts[i], .. rows[i].Tokens]).ToList();
            if (round > 0) foreach (var (i, input) in live.Zip(inputs)) rows[i].ReprefillTokens += input.Count; // no KV cache survives a round
            int longest = inputs.Max(p => p.Count);
            int room = Math.Min(live.Max(i => budget - rows[i].Tokens.Count), positions - longest);
            if (room < 1) throw new ArgumentException($"a conversation of {longest} tokens leaves no room under max_position_embeddings {positions}");
            // A call starts the moment it is written unless some row here has no calls left (its call is not answered).
            await using var early = new EarlyToolCalls(options.Runner, cancellationToken);
            bool startEarly = live.All(i => rows[i].Calls < options.MaxToolCallingIterations);
            var roundOptions = sampling with { MaxNewTokens = room, StopWhen = tokens => EndsWithCall(tokens, startEarly ? early : null) };
            var sequences = await generate(inputs, roundOptions, seed + round * 1_000_003L, cancellationToken).ConfigureAwait(false);

            var next = new List<int>();
            var calls = new List<(int Row, IReadOnlyList<int> Tokens, ParsedToolCall Call)>();
            int roundSteps = sequences.Count == 0 ? 0 : sequences.Max(q => q.Tokens.Length);
            for (int k = 0; k < live.Count; k++)
            {
                var row = rows[live[k]];
                var s = sequences[k];
                int left = budget - row.Tokens.Count;
                row.AddPolicy(s.Tokens.AsSpan(0, Math.Min(left, s.Tokens.Length)), s.SamplingLogProbs ?? s.LogProbs);
                bool full = row.Tokens.Count >= budget;
                if (s.FinishReason == FinishReason.StopCondition && row.Calls < options.MaxToolCallingIterations && !full)
                {
                    calls.Add((live[k], s.Tokens, ToolCallParser.ParseTrailing(tokenizer.Decode(s.Tokens))!));
                    row.WaitSteps += roundSteps - s.Tokens.Length; // decode steps its call waited for the round's longest row
                }
                else if (s.FinishReason == FinishReason.Length && !full) next.Add(live[k]); // the round's room was shorter than the row's
                else row.Truncated = full && (s.FinishReason != FinishReason.Eos || s.Tokens.Length > left);
            }

            var outcomes = await Task.WhenAll(calls.Select(c => early.ClaimAsync(c.Tokens, c.Call))).ConfigureAwait(false);
            for (int c = 0; c < calls.Count; c++)
            {
                var row = rows[calls[c].Row];
                row.ExposedSeconds += outcomes[c].WaitedSeconds;
                var message = tokenizer.Encode(options.Format.Render(outcomes[c].Outcome.Output), addSpecialTokens: false);
                int left = budget - row.Tokens.Count;
                row.AddTool(message.Take(left).ToArray(), outcomes[c].Outcome);
                if (message.Count >= left) row.Truncated = true; // no room left to answer: the conversation hit the budget
                else next.Add(calls[c].Row);
            }
            next.Sort();
            live = next;
        }
        return [.. rows.Select((r, i) => r.ToRollout(i))];
    }

    /// <summary>The generator's stop check: true when the row's tokens end with a call, which then starts on <paramref name="early"/>.</summary>
    private bool EndsWithCall(IReadOnlyList<int> tokens, EarlyToolCalls? early)
    {
        int start = Math.Max(0, tokens.Count - TailTokens);
        if (!ToolCallParser.MayCloseCall(tokenizer.Decode(tokens.Skip(start)))) return false;
        if (ToolCallParser.ParseTrailing(tokenizer.Decode(tokens)) is not { } call) return false;
        early?.Start([.. tokens], call);
        return true;
    }

    private sealed class ConversationRow
    {
        public List<int> Tokens { get; } = [];
        private readonly List<float> _logProbs = [];
        private readonly List<bool> _toolTokens = [];
        public int Calls { get; private set; }
        private int _failures;
        private double _seconds;
        public bool Truncated { get; set; }
        public int WaitSteps { get; set; }
        public long ReprefillTokens { get; set; }
        public double ExposedSeconds { get; set; }

        public void AddPolicy(ReadOnlySpan<int> tokens, float[] logProbs)
        {
            for (int t = 0; t < tokens.Length; t++)
            {
                Tokens.Add(tokens[t]);
                _logProbs.Add(logProbs[t]);
                _toolTokens.Add(false);
            }
        }

        public void AddTool(int[] tokens, ToolOutcome outcome)
        {
            Tokens.AddRange(tokens);
            _logProbs.AddRange(Enumerable.Repeat(0f, tokens.Length));
            _toolTokens.AddRange(Enumerable.Repeat(true, tokens.Length));
            Calls++;
            if (outcome.Failed) _failures++;
            _seconds += outcome.Elapsed.TotalSeconds;
        }

        public Rollout ToRollout(int index) =>
            new(index, [.. Tokens], [.. _logProbs], Truncated) { Tools = new ToolUse([.. _toolTokens], Calls, _failures, _seconds) { WaitSteps = WaitSteps, ReprefillTokens = ReprefillTokens, ExposedSeconds = ExposedSeconds } };
    }
}
