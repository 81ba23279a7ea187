using static TorchSharp.torch;

namespace R1Sharp.Training.LanguageModeling;

/// <summary>Builds <see cref="TokenBatch"/> tensors from packed rows of tokenized sequences.</summary>
public sealed class TokenBatchCollator
{
    /// <summary>Label value that carries no loss (PyTorch's <c>ignore_index</c> convention).</summary>
    public const long IgnoreLabel = -100;

    private readonly IReadOnlyList<TokenizedSequence> _samples;
    private readonly int _padId;

    /// <summary>Creates a collator over a tokenized data set.</summary>
    public TokenBatchCollator(IReadOnlyList<TokenizedSequence> samples, int padId)
    {
        _samples = samples ?? throw new ArgumentNullException(nameof(samples));
        _padId = padId;
    }

    /// <summary>Builds the tensors of one micro-batch on <paramref name="device"/>.</summary>
    public TokenBatch Collate(IReadOnlyList<PackedRow> rows, Device device)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int batch = rows.Count;
        int width = rows.Max(r => r.Length);
        var ids = new long[batch * width];
        var positions = new long[batch * width];
        var labels = new long[batch * width];
        var segments = new int[batch * width];
        Array.Fill(ids, _padId);
        Array.Fill(labels, IgnoreLabel);
        Array.Fill(segments, -1);
        long targets = 0, real = 0;
        for (int b = 0; b < batch; b++)
        {
            int offset = b * width;
            int segment = 0;
            foreach (int index in rows[b].Samples)
            {
                var sample = _samples[index];
                for (int t = 0; t < sample.Length; t++)
                {
                    ids[offset + t] = sample.Ids[t];
                    positions[offset + t] = t;
                    segments[offset + t] = segment;
                    // Position t predicts token t + 1 of the same sample; the last token predicts nothing here.
                    if (t + 1 < sample.Length && sample.Trainable[t + 1])
                    {
                        labels[offset + t] = sample.Ids[t + 1];
                        targets++;
                    }
                }
                offset += sample.Length;
                real += sample.Length;
                segment++;
            }
        }

        var mask = new bool[batch * width * width];
        for (int b = 0; b < batch; b++)
        {
            int row = b * width;
            for (int q = 0; q < width; q++)
            {
                int segment = segments[row + q];
                int plane = (b * width + q) * width;
                if (segment < 0) { mask[plane + q] = true; continue; }
                for (int k = q; k >= 0 && segments[row + k] == segment; k--) mask[plane + k] = true;
            }
        }
        var padding = segments.Select(s => s >= 0 ? 1L : 0L).ToArray();
        return new TokenBatch(
            tensor(ids, [batch, width], ScalarType.Int64, device),
            tensor(positions, [batch, width], ScalarType.Int64, device),
            tensor(labels, [batch, width], ScalarType.Int64, device),
            tensor(mask, [batch, 1, width, width], ScalarType.Bool, device),
            tensor(padding, [batch, width], ScalarType.Int64, device),
            targets, real, (long)batch * width);
    }
}
