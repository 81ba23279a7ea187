namespace R1Sharp.Rewards.Sandbox;

/// <summary>
/// Drains one output pipe of a run: keeps the first <c>keep</c> bytes and counts the rest, and calls
/// <c>onOverflow</c> once the total passes <c>limit</c> (the caller then kills the run; reading more would let a
/// program flood the host's memory).
/// </summary>
internal sealed class CappedOutput
{
    private readonly MemoryStream _kept = new();
    private readonly int _keep;
    private readonly long _limit;
    private readonly Action _onOverflow;

    public CappedOutput(int keep, long limit, Action onOverflow)
    {
        _keep = keep;
        _limit = limit;
        _onOverflow = onOverflow;
    }

    /// <summary>Total bytes seen, kept or not.</summary>
    public long TotalBytes { get; private set; }

    /// <summary>True once more than the limit was written.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>The kept bytes.</summary>
    public byte[] Kept => _kept.ToArray();

    /// <summary>Reads <paramref name="stream"/> to its end (the run's end: every writer gone).</summary>
    public async Task DrainAsync(Stream stream)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            int n;
            try
            {
                n = await stream.ReadAsync(buffer).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                return;
            }
            if (n == 0)
                return;
            int room = (int)Math.Max(0, _keep - _kept.Length);
            if (room > 0)
                _kept.Write(buffer, 0, Math.Min(room, n));
            TotalBytes += n;
            if (TotalBytes > _limit && !Overflowed)
            {
                Overflowed = true;
                _onOverflow();
            }
        }
    }
}
