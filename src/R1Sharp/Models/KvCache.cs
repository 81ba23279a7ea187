using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// Keys and values of every layer for a batch being decoded. Allocated once, for the longest length the batch
/// can reach ([layers] x [batch, kv_heads, max_length, head_dim]; for DeepSeek-V3's MLA the latent
/// [batch, 1, max_length, kv_lora_rank] and the rotary key [batch, 1, max_length, qk_rope_head_dim]), and written in place: a decode step copies one
/// position per layer instead of concatenating (which would copy the whole cache every step). Rows are aligned
/// (a left-padded batch shares one position counter); finished rows are dropped with <see cref="KeepRows"/>.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;

    /// <summary>Allocates the cache for <paramref name="batchSize"/> rows of up to <paramref name="maxLength"/> positions.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Non-positive batch or length.</exception>
    public KvCache(ModelConfig config, int batchSize, int maxLength, Device device, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);
        Capacity = maxLength;
        BatchSize = batchSize;
        Dtype = dtype;
        _keys = new Tensor[config.NumHiddenLayers];
        _values = new Tensor[config.NumHiddenLayers];
        // MLA caches one normed latent and one rotary key per token ("keys" and "values" here), shared by every head.
        var (heads, keyWidth, valueWidth) = config.LatentAttention is { } mla
            ? (1, mla.KvLoraRank, mla.QkRopeHeadDim)
            : (config.NumKeyValueHeads, config.HeadDim, config.HeadDim);
        for (int i = 0; i < config.NumHiddenLayers; i++)
        {
            // Outlive any dispose scope of the caller: the cache lives as long as the generation.
            _keys[i] = torch.zeros([batchSize, heads, maxLength, keyWidth], dtype, device).DetachFromDisposeScope();
            _values[i] = torch.zeros([batchSize, heads, maxLength, valueWidth], dtype, device).DetachFromDisposeScope();
        }
    }

    /// <summary>The dtype keys and values are stored in.</summary>
    internal ScalarType Dtype { get; }

    /// <summary>Positions each row can hold.</summary>
    public int Capacity { get; }

    /// <summary>Positions filled so far (the same for every row).</summary>
    public int Length { get; private set; }

    /// <summary>Rows currently in use (starts at the allocated batch size, shrinks with <see cref="KeepRows"/>).</summary>
    public int BatchSize { get; private set; }

    /// <summary>Number of layers.</summary>
    public int LayerCount => _keys.Length;

    /// <summary>
    /// Writes this step's keys/values [B, kv_heads, T, head_dim] of <paramref name="layer"/> at positions
    /// [Length, Length + T) and returns views of everything filled so far, [B, kv_heads, Length + T, head_dim].
    /// <see cref="Advance"/> moves <see cref="Length"/> once every layer has written.
    /// </summary>
    internal (Tensor Keys, Tensor Values) Write(int layer, Tensor keys, Tensor values)
    {
        long steps = keys.shape[2];
        CheckStep(keys.shape[0], steps);
        var k = _keys[layer].narrow(0, 0, BatchSize);
        var v = _values[layer].narrow(0, 0, BatchSize);
        k.narrow(2, Length, steps).copy_(keys);
        v.narrow(2, Length, steps).copy_(values);
        return (k.narrow(2, 0, Length + steps), v.narrow(2, 0, Length + steps));
    }

    /// <summary>Throws unless a step of <paramref name="rows"/> rows and <paramref name="steps"/> positions fits at <see cref="Length"/>.</summary>
    internal void CheckStep(long rows, long steps)
    {
        if (rows != BatchSize)
            throw new ArgumentException($"KV cache holds {BatchSize} rows but the step has {rows}");
        if (Length + steps > Capacity)
            throw new InvalidOperationException($"KV cache is full: {Length} + {steps} positions exceed its capacity {Capacity}");
    }

    /// <summary>
    /// The whole storage of <paramref name="layer"/>, [allocated rows, kv_heads, capacity, head_dim] (contiguous), for
    /// <see cref="DecodeAttention"/>, which writes a step's keys and values into it directly.
    /// </summary>
    internal (Tensor Keys, Tensor Values) Storage(int layer) => (_keys[layer], _values[layer]);

    /// <summary>Records that <paramref name="steps"/> positions were written by every layer.</summary>
    internal void Advance(int steps) => Length += steps;

    /// <summary>
    /// Keeps only the given rows (ascending or not), packed at the front in the given order, so later steps
    /// compute nothing for dropped (finished) sequences. Reuses the allocation.
    /// </summary>
    /// <exception cref="ArgumentException">A row index is out of range.</exception>
    public void KeepRows(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (int r in rows)
            if (r < 0 || r >= BatchSize) throw new ArgumentException($"row {r} is outside the cache's {BatchSize} rows");
        if (rows.Count == BatchSize && rows.Select((r, i) => r == i).All(x => x)) return;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var index = torch.tensor(rows.Select(r => (long)r).ToArray(), ScalarType.Int64, _keys[0].device);
        if (Length > 0)
        {
            foreach (var store in new[] { _keys, _values })
                foreach (var t in store)
                {
                    var kept = t.narrow(0, 0, BatchSize).narrow(2, 0, Length).index_select(0, index);
                    t.narrow(0, 0, rows.Count).narrow(2, 0, Length).copy_(kept);
                }
        }
        BatchSize = rows.Count;
    }

    /// <summary>Rows allocated (the most <see cref="BatchSize"/> can grow back to with <see cref="AppendRightAligned"/>).</summary>
    public int AllocatedRows => (int)_keys[0].shape[0];

    /// <summary>Empties the cache (length 0, no rows in use), keeping the allocation: the continuous-batching server reuses one cache.</summary>
    public void Clear()
    {
        Length = 0;
        BatchSize = 0;
    }

    /// <summary>
    /// Moves every row's filled positions by <paramref name="delta"/>: positive shifts right (the first
    /// <paramref name="delta"/> positions become stale and must be masked out by the caller), negative drops the first
    /// -delta positions. Used to line up sequences of different lengths in one continuously batched cache.
    /// </summary>
    /// <exception cref="InvalidOperationException">The shift would leave the capacity or drop filled positions past the start.</exception>
    public void ShiftPositions(int delta)
    {
        if (delta == 0 || BatchSize == 0) { Length = Math.Max(0, Length + delta); return; }
        if (Length + delta > Capacity || Length + delta < 0)
            throw new InvalidOperationException($"cannot shift the KV cache by {delta}: length {Length}, capacity {Capacity}");
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        int keep = delta > 0 ? Length : Length + delta;
        int from = delta > 0 ? 0 : -delta;
        int to = delta > 0 ? delta : 0;
        foreach (var store in new[] { _keys, _values })
            foreach (var t in store)
            {
                var rows = t.narrow(0, 0, BatchSize);
                var moved = rows.narrow(2, from, keep).clone(); // source and target overlap
                rows.narrow(2, to, keep).copy_(moved);
            }
        Length += delta;
    }

    /// <summary>
    /// Adds every row of <paramref name="source"/> after this cache's rows, right-aligned so that the source's last
    /// position lands on this cache's last filled position (positions before it are stale: the caller masks them).
    /// </summary>
    /// <exception cref="InvalidOperationException">Not enough allocated rows, or the source is longer than this cache's length.</exception>
    public void AppendRightAligned(KvCache source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (BatchSize + source.BatchSize > AllocatedRows)
            throw new InvalidOperationException($"KV cache has room for {AllocatedRows} rows; {BatchSize} + {source.BatchSize} requested");
        if (source.Length > Length)
            throw new InvalidOperationException($"source holds {source.Length} positions but this cache only {Length}: shift first");
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        int offset = Length - source.Length;
        for (int layer = 0; layer < _keys.Length; layer++)
        {
            _keys[layer].narrow(0, BatchSize, source.BatchSize).narrow(2, offset, source.Length)
                .copy_(source._keys[layer].narrow(0, 0, source.BatchSize).narrow(2, 0, source.Length));
            _values[layer].narrow(0, BatchSize, source.BatchSize).narrow(2, offset, source.Length)
                .copy_(source._values[layer].narrow(0, 0, source.BatchSize).narrow(2, 0, source.Length));
        }
        BatchSize += source.BatchSize;
    }

    /// <summary>Frees the cache tensors.</summary>
    public void Dispose()
    {
        foreach (var t in _keys) t.Dispose();
        foreach (var t in _values) t.Dispose();
    }
}
