using R1Sharp.TorchInterop;
using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Generation;

/// <summary>
/// Generates completions for a batch of prompts with one model: prompts are left-padded to a common length, the KV
/// cache is allocated once for prompt + max new tokens, every step feeds one token per unfinished row, and rows
/// that finish are dropped from the batch (and the cache compacted) so they stop costing compute.
/// </summary>
public sealed class BatchedGenerator
{
    /// <summary>Wraps <paramref name="model"/> (used in inference mode: no gradients).</summary>
    public BatchedGenerator(CausalLanguageModel model)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
    }

    /// <summary>The model that generates.</summary>
    public CausalLanguageModel Model { get; }

    /// <summary>
    /// One completion per prompt, in prompt order. Sampling is reproducible: with <see cref="SamplingOptions.Seed"/>
    /// set, the same prompts, options and model give the same tokens. With <see cref="SamplingOptions.GroupSeeds"/>
    /// instead, each group of rows draws from its own generator, as it would in a batch of its own.
    /// </summary>
    /// <param name="prompts">Token ids of each prompt (non-empty, each id below the vocabulary size).</param>
    /// <param name="options">Sampling options.</param>
    /// <param name="cancellationToken">Checked between decode steps.</param>
    /// <param name="progress">Receives the number of tokens generated at each step (all rows together).</param>
    /// <exception cref="ArgumentException">Empty batch or prompt, an id out of range, invalid options, or group seeds that do not cover the batch.</exception>
    public IReadOnlyList<GeneratedSequence> Generate(
        IReadOnlyList<IReadOnlyList<int>> prompts,
        SamplingOptions options,
        CancellationToken cancellationToken = default,
        IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ValidatePrompts(prompts);
        int batch = prompts.Count;
        if (options.GroupSeeds is { } seeds && seeds.Rows != batch)
            throw new ArgumentException($"SamplingOptions.GroupSeeds cover {seeds.Rows} rows ({seeds.Seeds.Count} groups of {seeds.RowsPerGroup}), but the batch has {batch}", nameof(options));
        int longest = prompts.Max(p => p.Count);
        int capacity = longest + options.MaxNewTokens;
        if (capacity > Model.Config.MaxPositionEmbeddings)
            throw new ArgumentException($"prompt length {longest} + MaxNewTokens {options.MaxNewTokens} exceeds the model's max_position_embeddings {Model.Config.MaxPositionEmbeddings}");

        var device = Model.Device;
        using var noGrad = torch.no_grad();
        using var decoding = SmallBatchLinear.Decoding();
        using var generator = options.GroupSeeds is null ? new torch.Generator((ulong)(options.Seed ?? Random.Shared.NextInt64()), device) : null;
        using var groups = options.GroupSeeds is { } groupSeeds ? new GroupGenerators(groupSeeds, device) : null;
        using var cache = new KvCache(Model.Config, batch, capacity, device, Model.Dtype);
        var eos = new HashSet<int>(options.EosIds);
        var stopMatcher = options.StopStrings.Count > 0 ? new StopStringMatcher(options.StopStrings, options.Decoder!) : null;
        var rows = Enumerable.Range(0, batch).Select(i => new SequenceBuilder(i, options.SamplingLogProbs != SamplingLogProbKind.None)).ToList();
        var results = new GeneratedSequence?[batch];

        Tensor mask = BuildPrefill(prompts, longest, capacity, options.PadId, out Tensor promptIds).DetachFromDisposeScope();
        Tensor logits = Prefill(promptIds, mask, cache, options.PrefillChunkTokens, cancellationToken);
        promptIds.Dispose();
        try
        {
            while (true)
            {
                using var scope = torch.NewDisposeScope();
                var (tokens, logProbs, samplingLogProbs) = groups is null ? TokenSampler.Sample(logits, options, generator)
                    : TokenSampler.SampleWith(logits, options, probabilities => groups.Draw(probabilities, i => rows[i].PromptIndex));
                long[] ids = tokens.cpu().data<long>().ToArray();
                float[] lps = logProbs.cpu().data<float>().ToArray();
                float[]? slps = samplingLogProbs?.cpu().data<float>().ToArray();
                var keep = new List<int>(rows.Count);
                for (int i = 0; i < rows.Count; i++)
                {
                    var row = rows[i];
                    row.Add((int)ids[i], lps[i], slps?[i] ?? 0f);
                    string? stop = null;
                    FinishReason? reason = eos.Contains((int)ids[i]) ? FinishReason.Eos
                        : stopMatcher is not null && (stop = stopMatcher.Match(row.Tokens)) is not null ? FinishReason.StopString
                        : options.StopWhen is not null && options.StopWhen(row.Tokens) ? FinishReason.StopCondition
                        : row.Tokens.Count >= options.MaxNewTokens ? FinishReason.Length
                        : null;
                    if (reason is FinishReason r) results[row.PromptIndex] = row.Finish(r, stop);
                    else keep.Add(i);
                }
                progress?.Report(rows.Count);
                if (keep.Count == 0) break;
                cancellationToken.ThrowIfCancellationRequested();

                var next = tokens;
                if (keep.Count < rows.Count)
                {
                    // Drop finished rows now: a finished row would otherwise cost a full row of compute every step.
                    cache.KeepRows(keep);
                    var index = torch.tensor(keep.Select(k => (long)k).ToArray(), ScalarType.Int64, device);
                    var keptMask = mask.index_select(0, index).DetachFromDisposeScope();
                    mask.Dispose();
                    mask = keptMask;
                    next = tokens.index_select(0, index);
                    rows = keep.Select(k => rows[k]).ToList();
                }
                mask.narrow(1, cache.Length, 1).fill_(HeldScalars.One);
                var nextLogits = Model.Forward(next.unsqueeze(1), mask.narrow(1, 0, cache.Length + 1), cache, logitsToKeep: 1).squeeze(1);
                logits.Dispose();
                logits = nextLogits.DetachFromDisposeScope();
            }
        }
        finally
        {
            logits.Dispose();
            mask.Dispose();
        }
        return results.Select(r => r!).ToList();
    }

    /// <summary>
    /// Runs the prompts through the model in chunks of positions, so that the attention scores of a long, wide
    /// prefill ([batch, heads, chunk, length]) stay bounded. Returns the last position's logits [B, V].
    /// </summary>
    private Tensor Prefill(Tensor promptIds, Tensor mask, KvCache cache, int chunkTokens, CancellationToken cancellationToken)
    {
        long batch = promptIds.shape[0], longest = promptIds.shape[1];
        long chunk = Math.Max(1, chunkTokens / batch);
        Tensor? logits = null;
        for (long start = 0; start < longest; start += chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = torch.NewDisposeScope();
            long n = Math.Min(chunk, longest - start);
            var result = Model.Forward(promptIds.narrow(1, start, n), mask.narrow(1, 0, start + n), cache, logitsToKeep: 1);
            if (start + n == longest) logits = result.squeeze(1).DetachFromDisposeScope();
        }
        return logits!;
    }

    private void ValidatePrompts(IReadOnlyList<IReadOnlyList<int>> prompts)
    {
        if (prompts.Count == 0) throw new ArgumentException("no prompts to generate from", nameof(prompts));
        for (int i = 0; i < prompts.Count; i++)
        {
            var p = prompts[i] ?? throw new ArgumentException($"prompt {i} is null", nameof(prompts));
            if (p.Count == 0) throw new ArgumentException($"prompt {i} is empty", nameof(prompts));
            foreach (int id in p)
                if (id < 0 || id >= Model.Config.VocabSize)
                    throw new ArgumentException($"prompt {i} holds token id {id}, outside the model's vocabulary [0, {Model.Config.VocabSize})", nameof(prompts));
        }
    }

    /// <summary>Left-padded prompt ids [B, longest] and the attention mask [B, capacity] with the prompt positions set.</summary>
    private Tensor BuildPrefill(IReadOnlyList<IReadOnlyList<int>> prompts, int longest, int capacity, int padId, out Tensor promptIds)
    {
        int batch = prompts.Count;
        var ids = new long[batch * longest];
        var mask = new long[batch * capacity];
        for (int b = 0; b < batch; b++)
        {
            int pad = longest - prompts[b].Count;
            for (int t = 0; t < longest; t++)
            {
                ids[b * longest + t] = t < pad ? padId : prompts[b][t - pad];
                mask[b * capacity + t] = t < pad ? 0 : 1;
            }
        }
        promptIds = torch.tensor(ids, [batch, longest], ScalarType.Int64, Model.Device);
        return torch.tensor(mask, [batch, capacity], ScalarType.Int64, Model.Device);
    }
}
