using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// The samples of each row of a packed batch as runs of positions (start, length), read from the batch's position ids:
/// a sample starts wherever the position is 0 and its positions then count up by one. Padding has position 0, so each
/// padding position is a run of its own. <see cref="Match"/> accepts the runs only where the batch's mask is exactly the
/// block-diagonal causal mask they imply (a position sees the earlier positions of its own run and itself), so
/// <see cref="SegmentAttention"/> computes what the mask asks for and nothing else.
/// </summary>
internal sealed class PackedSegments
{
    private readonly int[] _rowOffsets;
    private readonly int[] _starts;
    private readonly int[] _lengths;

    private PackedSegments(int rows, int length, int[] rowOffsets, int[] starts, int[] lengths)
    {
        Rows = rows;
        Length = length;
        _rowOffsets = rowOffsets;
        _starts = starts;
        _lengths = lengths;
    }

    /// <summary>Rows of the batch.</summary>
    public int Rows { get; }

    /// <summary>Positions per row (T).</summary>
    public int Length { get; }

    /// <summary>First position of each run of <paramref name="row"/>.</summary>
    public ReadOnlySpan<int> Starts(int row) => _starts.AsSpan(_rowOffsets[row], _rowOffsets[row + 1] - _rowOffsets[row]);

    /// <summary>Length of each run of <paramref name="row"/>.</summary>
    public ReadOnlySpan<int> Lengths(int row) => _lengths.AsSpan(_rowOffsets[row], _rowOffsets[row + 1] - _rowOffsets[row]);

    /// <summary>The longest run of <paramref name="row"/>.</summary>
    public int Longest(int row)
    {
        int longest = 0;
        foreach (int length in Lengths(row)) longest = Math.Max(longest, length);
        return longest;
    }

    /// <summary>Query–key pairs the runs attend over, summed over rows (each run of length L has L(L+1)/2).</summary>
    public long AttendedPairs => _lengths.Sum(l => (long)l * (l + 1) / 2);

    /// <summary>Share of the rows × length² query–key pairs of dense attention that the runs attend over.</summary>
    public double DenseShare => (double)AttendedPairs / ((double)Rows * Length * Length);

    /// <summary>Every row one run of all its positions: the layout of an unpadded causal batch.</summary>
    public static PackedSegments WholeRows(int rows, int length)
    {
        if (rows < 1 || length < 1) throw new ArgumentOutOfRangeException(nameof(rows), $"whole-row runs need at least one row and position; got {rows} x {length}");
        return new PackedSegments(rows, length, [.. Enumerable.Range(0, rows + 1)], new int[rows], [.. Enumerable.Repeat(length, rows)]);
    }

    /// <summary>
    /// The runs of a padded batch whose <paramref name="valid"/> [B, T] (CPU, true = a token) holds each row's tokens in
    /// one block: the block is one run and each padding position before or after it a run of its own; null where a row's
    /// tokens are not one block. In that layout the tokens attend exactly as the padded causal mask lets them (earlier
    /// tokens of their row); a padding query then sees only itself where the mask would also let a padding position after
    /// the block see the block, an output nothing reads.
    /// </summary>
    public static PackedSegments? FromTokenBlocks(Tensor valid)
    {
        ArgumentNullException.ThrowIfNull(valid);
        if (valid.device.type != TorchSharp.DeviceType.CPU || valid.dim() != 2) return null;
        int rows = (int)valid.shape[0], length = (int)valid.shape[1];
        if (rows < 1 || length < 1) return null;
        using var bytes = valid.to(ScalarType.Bool).contiguous();
        var flags = bytes.data<bool>().ToArray();
        var offsets = new int[rows + 1];
        var starts = new List<int>();
        var lengths = new List<int>();
        for (int b = 0; b < rows; b++)
        {
            var row = flags.AsSpan(b * length, length);
            int first = Math.Max(0, row.IndexOf(true)), end = row.LastIndexOf(true) + 1; // padding only: first = end = 0
            if (row[first..end].Contains(false)) return null;
            for (int t = 0; t < first; t++) Add(t, 1);
            if (end > first) Add(first, end - first);
            for (int t = end; t < length; t++) Add(t, 1);
            offsets[b + 1] = starts.Count;
        }
        return new PackedSegments(rows, length, offsets, [.. starts], [.. lengths]);

        void Add(int start, int runLength)
        {
            starts.Add(start);
            lengths.Add(runLength);
        }
    }

    /// <summary>
    /// The runs of <paramref name="positions"/> [rows × length] (row-major), or null where a row is not a sequence of
    /// runs 0, 1, 2, … (a run that starts at a position other than 0, or skips one).
    /// </summary>
    public static PackedSegments? FromPositions(ReadOnlySpan<long> positions, int rows, int length)
    {
        if (rows < 1 || length < 1 || positions.Length != (long)rows * length) return null;
        var offsets = new int[rows + 1];
        var starts = new List<int>();
        var lengths = new List<int>();
        for (int b = 0; b < rows; b++)
        {
            var row = positions.Slice(b * length, length);
            int start = 0;
            for (int t = 0; t <= length; t++)
            {
                if (t < length && t > start && row[t] == row[t - 1] + 1) continue;
                if (t < length && row[t] != 0) return null;
                if (t > start)
                {
                    starts.Add(start);
                    lengths.Add(t - start);
                }
                start = t;
            }
            offsets[b + 1] = starts.Count;
        }
        return new PackedSegments(rows, length, offsets, [.. starts], [.. lengths]);
    }

    /// <summary>The runs of CPU position ids [B, T]; null on another device or for a row that is not a sequence of runs.</summary>
    public static PackedSegments? FromPositions(Tensor positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        if (positions.device.type != TorchSharp.DeviceType.CPU || positions.dim() != 2) return null;
        using var cpu = positions.to(ScalarType.Int64).contiguous();
        return FromPositions(cpu.data<long>().ToArray(), (int)positions.shape[0], (int)positions.shape[1]);
    }

    /// <summary>
    /// Whether <paramref name="mask"/> [B, 1, T, T] is exactly the block-diagonal causal mask of these runs: in query row q
    /// of a run that starts at s, positions s … q true and every other false. One pass over the mask's bytes, nothing
    /// allocated (the mask of a long packed row is large: 8 rows of 4,096 are 134 MB).
    /// </summary>
    public unsafe bool IsMaskOf(Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.device.type != TorchSharp.DeviceType.CPU || mask.dtype != ScalarType.Bool || mask.dim() != 4
            || mask.shape[0] != Rows || mask.shape[1] != 1 || mask.shape[2] != Length || mask.shape[3] != Length)
            return false;
        using var contiguous = mask.contiguous();
        byte* data = (byte*)NativeTensorData.Pointer(contiguous); // libtorch stores a bool as one byte, 0 or 1
        for (int b = 0; b < Rows; b++)
        {
            var starts = Starts(b);
            var lengths = Lengths(b);
            for (int s = 0; s < starts.Length; s++)
            {
                for (int q = starts[s]; q < starts[s] + lengths[s]; q++)
                {
                    var row = new ReadOnlySpan<byte>(data + ((long)b * Length + q) * Length, Length);
                    if (row[..starts[s]].ContainsAnyExcept((byte)0) || row[starts[s]..(q + 1)].ContainsAnyExcept((byte)1)
                        || row[(q + 1)..].ContainsAnyExcept((byte)0))
                        return false;
                }
            }
        }
        return true;
    }

    /// <summary>
    /// The runs of a CPU batch whose <paramref name="mask"/> [B, 1, T, T] is exactly the block-diagonal causal mask of
    /// its <paramref name="positions"/> [B, T]; null for any other batch (another device, a mask of another form).
    /// </summary>
    public static PackedSegments? Match(Tensor positions, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        return FromPositions(positions) is { } segments && segments.IsMaskOf(mask) ? segments : null;
    }
}
