using R1Sharp.TorchInterop;
using R1Sharp.Generation;
using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Serving.Engine;

/// <summary>
/// The sequences being decoded together, sharing one KV cache that is allocated once. New sequences join between
/// decode steps: they are prefilled together in a small cache of their own, then copied in right-aligned (the rows
/// share one position counter; each row's padding is masked and its RoPE positions count only its own tokens, so
/// a row's logits do not depend on who else is in the batch). Finished or abandoned rows leave at once, and the
/// leading columns that no remaining row uses are trimmed, so the cache never outgrows the longest live sequence.
/// </summary>
internal sealed class RunningBatch : IDisposable
{
    // Trim unused leading positions once this many pile up: each costs attention compute for every row.
    private const int TrimThreshold = 32;

    private readonly CausalLanguageModel _model;
    private readonly KvCache _cache;
    private readonly List<ActiveSequence> _rows = [];
    private Tensor _mask;   // [allocated rows, capacity] int64: 1 where a row has a token
    private Tensor? _logits; // [rows, vocab] float32: next-token logits of every row

    public RunningBatch(CausalLanguageModel model, int maxRows, int capacity)
    {
        _model = model;
        _cache = new KvCache(model.Config, maxRows, capacity, model.Device, model.Dtype);
        _cache.Clear();
        _mask = torch.zeros([maxRows, capacity], ScalarType.Int64, model.Device).DetachFromDisposeScope();
    }

    public int Count => _rows.Count;

    public int FreeRows => _cache.AllocatedRows - _rows.Count;

    public int Capacity => _cache.Capacity;

    /// <summary>Prefills <paramref name="jobs"/> and adds them to the batch.</summary>
    public void Admit(IReadOnlyList<GenerationJob> jobs)
    {
        if (jobs.Count == 0) return;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var decoding = SmallBatchLinear.Decoding();
        var device = _model.Device;
        int k = jobs.Count;
        int longest = jobs.Max(j => j.PromptIds.Count);
        var ids = new long[k * longest];
        var mask = new long[k * longest];
        for (int r = 0; r < k; r++)
        {
            var prompt = jobs[r].PromptIds;
            int pad = longest - prompt.Count;
            for (int t = 0; t < longest; t++)
            {
                ids[r * longest + t] = t < pad ? jobs[r].Options.PadId : prompt[t - pad];
                mask[r * longest + t] = t < pad ? 0 : 1;
            }
        }
        var maskTensor = torch.tensor(mask, [k, longest], ScalarType.Int64, device);
        Tensor newLogits;
        using (var prefill = new KvCache(_model.Config, k, longest, device, _model.Dtype))
        {
            newLogits = _model.Forward(torch.tensor(ids, [k, longest], ScalarType.Int64, device), maskTensor, prefill, logitsToKeep: 1)
                .squeeze(1).to(ScalarType.Float32);

            if (_rows.Count == 0)
            {
                _cache.Clear();
                _cache.ShiftPositions(longest);
                _mask.zero_();
            }
            else if (longest > _cache.Length)
            {
                ShiftRight(longest - _cache.Length);
            }
            int offset = _cache.Length - longest;
            int first = _rows.Count;
            _cache.AppendRightAligned(prefill);
            var rowsMask = _mask.narrow(0, first, k);
            rowsMask.zero_();
            rowsMask.narrow(1, offset, longest).copy_(maskTensor);
        }

        var combined = _logits is null ? newLogits : torch.cat([_logits, newLogits], 0);
        _logits?.Dispose();
        _logits = combined.DetachFromDisposeScope();
        foreach (var job in jobs)
            _rows.Add(new ActiveSequence(job, device));
    }

    /// <summary>
    /// Samples one token for every row, hands it to the row's job, drops rows that finished or whose client left,
    /// and runs the decode step for the rest.
    /// </summary>
    public void Step()
    {
        if (_rows.Count == 0 || _logits is null) return;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var decoding = SmallBatchLinear.Decoding();
        var next = new long[_rows.Count];
        var keep = new List<int>(_rows.Count);
        for (int i = 0; i < _rows.Count; i++)
        {
            var row = _rows[i];
            if (row.Job.CancellationToken.IsCancellationRequested)
            {
                Finish(row, null, null);
                continue;
            }
            // Each row samples with its own options and generator, so a request's output does not depend on
            // what else the server is doing (and matches the in-process generator for the same seed).
            var (tokens, logProbs, _) = TokenSampler.Sample(_logits.narrow(0, i, 1), row.Job.Options, row.Generator);
            int token = (int)tokens.cpu().item<long>();
            float logProb = logProbs.cpu().item<float>();
            row.Tokens.Add(token);
            row.Job.Writer.TryWrite(new TokenEvent(token, logProb));
            string? stop = null;
            FinishReason? reason = row.Eos.Contains(token) ? FinishReason.Eos
                : row.StopMatcher is not null && (stop = row.StopMatcher.Match(row.Tokens)) is not null ? FinishReason.StopString
                : row.Tokens.Count >= row.Job.Options.MaxNewTokens ? FinishReason.Length
                : null;
            if (reason is not null) { Finish(row, reason, stop); continue; }
            next[keep.Count] = token;
            keep.Add(i);
        }

        if (keep.Count < _rows.Count) KeepRows(keep);
        if (_rows.Count == 0)
        {
            _logits?.Dispose();
            _logits = null;
            _cache.Clear();
            return;
        }

        TrimUnusedPrefix(force: _cache.Length + 1 > _cache.Capacity);
        if (_cache.Length + 1 > _cache.Capacity)
        {
            // Cannot happen when requests are validated against the context size; end rows rather than fail all.
            foreach (var row in _rows) Finish(row, FinishReason.Length, null);
            KeepRows([]);
            return;
        }
        int rows = _rows.Count;
        var inputs = torch.tensor(next.AsSpan(0, rows).ToArray(), [rows, 1], ScalarType.Int64, _model.Device);
        var liveMask = _mask.narrow(0, 0, rows);
        liveMask.narrow(1, _cache.Length, 1).fill_(HeldScalars.One);
        var logits = _model.Forward(inputs, liveMask.narrow(1, 0, _cache.Length + 1), _cache, logitsToKeep: 1)
            .squeeze(1).to(ScalarType.Float32);
        _logits?.Dispose();
        _logits = logits.DetachFromDisposeScope();
    }

    /// <summary>Ends every row (shutdown): each job gets its final event.</summary>
    public void AbortAll()
    {
        foreach (var row in _rows) Finish(row, FinishReason.Length, null);
        _rows.Clear();
        _logits?.Dispose();
        _logits = null;
        _cache.Clear();
    }

    private static void Finish(ActiveSequence row, FinishReason? reason, string? stop)
    {
        if (reason is FinishReason r) row.Job.Writer.TryWrite(new TokenEvent(-1, 0f, r, stop));
        row.Job.Writer.TryComplete();
        row.Dispose();
    }

    private void KeepRows(IReadOnlyList<int> keep)
    {
        _cache.KeepRows(keep);
        if (keep.Count > 0)
        {
            var index = torch.tensor(keep.Select(k => (long)k).ToArray(), ScalarType.Int64, _model.Device);
            var keptMask = _mask.narrow(0, 0, _rows.Count).index_select(0, index);
            _mask.narrow(0, 0, keep.Count).copy_(keptMask);
            var keptLogits = _logits!.index_select(0, index).DetachFromDisposeScope();
            _logits.Dispose();
            _logits = keptLogits;
        }
        var rows = keep.Select(k => _rows[k]).ToList();
        _rows.Clear();
        _rows.AddRange(rows);
    }

    private void ShiftRight(int delta)
    {
        _cache.ShiftPositions(delta);
        var live = _mask.narrow(0, 0, _rows.Count);
        var moved = live.narrow(1, 0, _cache.Length - delta).clone();
        live.narrow(1, delta, _cache.Length - delta).copy_(moved);
        live.narrow(1, 0, delta).zero_();
    }

    private void TrimUnusedPrefix(bool force)
    {
        var live = _mask.narrow(0, 0, _rows.Count).narrow(1, 0, _cache.Length);
        // First filled column of every row; the smallest is how many leading columns nobody uses.
        long unused = live.argmax(1).min().cpu().item<long>();
        if (unused == 0 || (!force && unused < TrimThreshold)) return;
        int drop = (int)unused;
        int remaining = _cache.Length - drop;
        _cache.ShiftPositions(-drop);
        var rows = _mask.narrow(0, 0, _rows.Count);
        var moved = rows.narrow(1, drop, remaining).clone();
        rows.narrow(1, 0, remaining).copy_(moved);
        rows.narrow(1, remaining, drop).zero_();
    }

    public void Dispose()
    {
        AbortAll();
        _cache.Dispose();
        _mask.Dispose();
    }
}
