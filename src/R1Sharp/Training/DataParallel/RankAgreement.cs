using R1Sharp.TorchInterop;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using R1Sharp.Distributed;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Training.DataParallel;

/// <summary>
/// Checks that the ranks of a data-parallel run agree: on their configuration at startup, and on their weights every
/// <c>weight_check_steps</c>. Each rank's digest is gathered on every rank, so all ranks reach the same verdict and
/// fail together (no rank is left waiting in a collective): each throws the same <see cref="DistributedException"/>
/// (<see cref="IEveryRankFailure"/>), reports it and ends on its own instead of aborting the job.
/// </summary>
public static class RankAgreement
{
    /// <summary>
    /// Throws on every rank when some rank's settings differ from rank 0's, naming those ranks and the settings that
    /// differ (names only: values may hold endpoints or keys).
    /// </summary>
    /// <exception cref="DistributedException">The configurations differ.</exception>
    public static void ThrowIfSettingsDiffer(ICollectiveBackend ranks, IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(ranks);
        ArgumentNullException.ThrowIfNull(settings);
        if (ranks.Size == 1) return;
        string text = string.Join("\n", settings.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Key + "=" + s.Value));
        var differing = Differing(ranks, SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        if (differing.Count == 0) return;
        // Every rank knows the verdict; rank 0 sends its settings, each rank names what differs, and every rank gathers
        // those names, so all ranks throw the same message.
        var zero = JsonSerializer.Deserialize<Dictionary<string, string>>(ranks.Broadcast(JsonSerializer.SerializeToUtf8Bytes(settings), 0))!;
        string mine = string.Join(", ", zero.Keys.Union(settings.Keys).Where(k => !zero.TryGetValue(k, out var v) || !settings.TryGetValue(k, out var w) || v != w)
            .Order(StringComparer.Ordinal));
        var names = Enumerable.Range(0, ranks.Size).Select(root => Encoding.UTF8.GetString(ranks.Broadcast(Encoding.UTF8.GetBytes(mine), root))).ToList();
        string message = $"ranks {string.Join(", ", differing)} were given a configuration that differs from rank 0's " +
            $"({string.Join("; ", differing.Select(r => $"rank {r}: {names[r]}"))}; from options, config file, --set, reward or template): " +
            "start every rank with the same command line and files.";
        throw new DistributedException(message) { ThrownOnEveryRank = true };
    }

    /// <summary>Throws on every rank when some rank's trainable weights differ (bit for bit) from rank 0's.</summary>
    /// <exception cref="DistributedException">The weights diverged.</exception>
    public static void ThrowIfWeightsDiverged(ICollectiveBackend ranks, IEnumerable<Tensor> weights, int step)
    {
        ArgumentNullException.ThrowIfNull(ranks);
        ArgumentNullException.ThrowIfNull(weights);
        if (ranks.Size == 1) return;
        var differing = Differing(ranks, Checksum(weights));
        if (differing.Count == 0) return;
        string message = $"step {step}: the weights of ranks {string.Join(", ", differing)} diverged from rank 0's " +
            "(ranks must apply identical updates; mixed hardware or a non-deterministic kernel can cause this); stopping. The last checkpoint is intact.";
        throw new DistributedException(message) { ThrownOnEveryRank = true };
    }

    /// <summary>SHA-256 of the weights' float32 values, in order.</summary>
    public static byte[] Checksum(IEnumerable<Tensor> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var scope = NewDisposeScope();
        foreach (var w in weights)
        {
            // A float32 CPU weight is hashed in its own memory: copying every weight out each check is a pass over the
            // model, and a large array for the collector.
            var values = w.device_type == DeviceType.CPU && w.dtype == ScalarType.Float32 && w.is_contiguous()
                ? w : w.detach().to_type(ScalarType.Float32).cpu().contiguous();
            AppendFloats(hash, values);
        }
        return hash.GetHashAndReset();
    }

    // Hashes a contiguous float32 CPU tensor's elements, at most 2^28 at a time (a span's length is an int).
    private static unsafe void AppendFloats(IncrementalHash hash, Tensor values)
    {
        const long Chunk = 1L << 28;
        float* first = HostMemory.Floats(values);
        for (long start = 0, count = values.numel(); start < count; start += Chunk)
            hash.AppendData(MemoryMarshal.AsBytes(new ReadOnlySpan<float>(first + start, (int)Math.Min(Chunk, count - start))));
        GC.KeepAlive(values);
    }

    // The ranks whose digest differs from rank 0's.
    private static List<int> Differing(ICollectiveBackend ranks, byte[] digest)
    {
        var asDoubles = digest.Select(b => (double)b).ToArray();
        var all = ranks.AllGather(asDoubles);
        return [.. Enumerable.Range(1, ranks.Size - 1).Where(r => !all[r].AsSpan().SequenceEqual(all[0]))];
    }
}
