using System.Text.Json;
using R1Sharp.IO;

namespace R1Sharp.Distillation;

/// <summary>Rejection sampling from file to file: samples JSONL in, SFT conversations JSONL and <c>&lt;output&gt;.stats.json</c> out.</summary>
public static class RejectionRun
{
    /// <summary>Path of the statistics file written next to <paramref name="outputPath"/>.</summary>
    public static string StatisticsPath(string outputPath) => Path.ChangeExtension(outputPath, null) + ".stats.json";

    /// <summary>Filters <paramref name="samplesPath"/> into <paramref name="outputPath"/> and writes the statistics. Both files are written atomically.</summary>
    /// <exception cref="Data.DatasetFormatException">A sample line is malformed (names file and line).</exception>
    public static async Task<RejectionStatistics> RunAsync(string samplesPath, string outputPath, RejectionSamplingOptions options, CancellationToken cancellationToken = default)
    {
        using var outputLock = RunDirectoryLock.AcquireForFile(outputPath);
        var samples = await SampledResponseFile.ReadAsync(samplesPath, cancellationToken).ConfigureAwait(false);
        var result = new RejectionSampler(options).Filter(samples);
        await SampledResponseFile.WriteConversationsAsync(outputPath, result.Kept, cancellationToken).ConfigureAwait(false);
        await AtomicFile.WriteAllTextAsync(StatisticsPath(outputPath),
            JsonSerializer.Serialize(result.Statistics, new JsonSerializerOptions { WriteIndented = true }), cancellationToken).ConfigureAwait(false);
        return result.Statistics;
    }
}
