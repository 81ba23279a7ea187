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
    public static Task<RejectionStatistics> RunAsync(string samplesPath, string outputPath, RejectionSamplingOptions options, CancellationToken cancellationToken = default) =>
        RunAsync(samplesPath, outputPath, options, null, cancellationToken);

    /// <summary>As <see cref="RunAsync(string, string, RejectionSamplingOptions, CancellationToken)"/>, with a judge for non-verifiable rows.</summary>
    /// <param name="samplesPath">Samples JSONL written by <c>r1 sample</c>.</param>
    /// <param name="outputPath">SFT conversations to write.</param>
    /// <param name="options">The filters.</param>
    /// <param name="judge">A generative judge for rows with no verifiable answer: responses whose correctness reward is
    /// missing or null are judged first (<see cref="JudgedCorrectness"/>); null judges nothing.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task<RejectionStatistics> RunAsync(string samplesPath, string outputPath, RejectionSamplingOptions options,
        RewardModels.JudgeReward? judge, CancellationToken cancellationToken)
    {
        using var outputLock = RunDirectoryLock.AcquireForFile(outputPath);
        IReadOnlyList<SampledResponse> samples = await SampledResponseFile.ReadAsync(samplesPath, cancellationToken).ConfigureAwait(false);
        int judged = 0, failures = 0;
        if (judge is not null) (samples, judged, failures) = await JudgedCorrectness.ApplyAsync(samples, judge, options.CorrectnessReward, cancellationToken).ConfigureAwait(false);
        var result = new RejectionSampler(options).Filter(samples);
        result = result with { Statistics = result.Statistics with { Judged = judged, JudgeFailures = failures } };
        await SampledResponseFile.WriteConversationsAsync(outputPath, result.Kept, cancellationToken).ConfigureAwait(false);
        await AtomicFile.WriteAllTextAsync(StatisticsPath(outputPath),
            JsonSerializer.Serialize(result.Statistics, new JsonSerializerOptions { WriteIndented = true }), cancellationToken).ConfigureAwait(false);
        return result.Statistics;
    }
}
