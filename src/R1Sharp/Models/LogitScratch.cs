using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// Reusable float32 blocks for one chunk's [positions, vocabulary] logits in the chunked log-prob path
/// (<see cref="ChunkedTokenLogProbs"/>), kept between calls so the chunks of a training step write into memory the
/// process already holds.
/// </summary>
/// <remarks>
/// Why: with Qwen's 152k vocabulary one 256-position chunk is 148 MiB. glibc hands a block that large to a thread-pool
/// thread as a fresh mapping and unmaps it when freed, so every chunk of every forward and backward paid the kernel for
/// zeroing 148 MiB of new pages: a fifth of a data-parallel rank's cycles in the <c>data-parallel</c> profile
/// (docs/distributed.md), memory traffic that two ranks on one memory bus both pay. CUDA's caching allocator already
/// keeps such blocks; this does the same for the one shape that matters, on any device. It keeps as many unused
/// blocks as were ever rented at once (a forward with the entropy metric rents two; concurrent micro-batch workers
/// rent theirs each), so a step in steady state allocates none, and holds no more than the step's own peak; the model
/// that owns the scratch frees them when disposed.
/// </remarks>
internal sealed class LogitScratch : IDisposable
{
    private readonly object _gate = new();
    private readonly List<Tensor> _idle = [];
    private int _rented, _mostRented;
    private bool _disposed;

    /// <summary>The most blocks rented at once so far: how many unused blocks are kept.</summary>
    public int IdleLimit
    {
        get { lock (_gate) return _mostRented; }
    }

    /// <summary>Float32 elements held by idle blocks (for tests and memory accounting).</summary>
    public long IdleElements
    {
        get { lock (_gate) return _idle.Sum(b => b.numel()); }
    }

    /// <summary>
    /// A [rows, columns] float32 tensor on <paramref name="device"/> with unspecified contents, a view of a kept block
    /// when one is large enough, else of a new one. Dispose the lease to give the block back; the view must not be used
    /// after that.
    /// </summary>
    public Lease Rent(long rows, long columns, Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        long size = rows * columns;
        Tensor? block = null;
        lock (_gate)
        {
            int best = -1;
            for (int i = 0; i < _idle.Count; i++)
            {
                var candidate = _idle[i];
                if (candidate.device_type == device.type && candidate.device_index == device.index && candidate.numel() >= size && (best < 0 || candidate.numel() < _idle[best].numel()))
                    best = i;
            }
            if (best >= 0)
            {
                block = _idle[best];
                _idle.RemoveAt(best);
            }
            _mostRented = Math.Max(_mostRented, ++_rented);
        }
        block ??= empty([size], ScalarType.Float32, device).DetachFromDisposeScope();
        var view = block.narrow(0, 0, size).view(rows, columns).DetachFromDisposeScope();
        return new Lease(this, block, view);
    }

    private void Return(Tensor block)
    {
        Tensor? dropped = null;
        lock (_gate)
        {
            _rented--;
            if (_disposed)
            {
                dropped = block;
            }
            else
            {
                _idle.Add(block);
                // More blocks than were ever in use at once: one was allocated because the idle ones were too small.
                if (_idle.Count > _mostRented)
                {
                    // Keep the largest blocks: a smaller request can use a larger block, not the other way round.
                    int smallest = 0;
                    for (int i = 1; i < _idle.Count; i++)
                        if (_idle[i].numel() < _idle[smallest].numel()) smallest = i;
                    dropped = _idle[smallest];
                    _idle.RemoveAt(smallest);
                }
            }
        }
        dropped?.Dispose();
    }

    /// <summary>
    /// Frees the idle blocks; blocks still rented are freed when given back. A disposed scratch still rents (an autograd
    /// backward may run after its forward's caller is done), but allocates each block and frees it on return.
    /// </summary>
    public void Dispose()
    {
        List<Tensor> idle;
        lock (_gate)
        {
            _disposed = true;
            idle = [.. _idle];
            _idle.Clear();
        }
        foreach (var block in idle) block.Dispose();
    }

    /// <summary>One rented block: <see cref="View"/> is the [rows, columns] tensor asked for.</summary>
    public sealed class Lease : IDisposable
    {
        private readonly LogitScratch _owner;
        private Tensor? _block;

        internal Lease(LogitScratch owner, Tensor block, Tensor view)
        {
            _owner = owner;
            _block = block;
            View = view;
        }

        /// <summary>The [rows, columns] float32 tensor, contents unspecified until written.</summary>
        public Tensor View { get; }

        /// <summary>Gives the block back to the scratch (once).</summary>
        public void Dispose()
        {
            var block = Interlocked.Exchange(ref _block, null);
            if (block is null) return;
            View.Dispose();
            _owner.Return(block);
        }
    }
}
