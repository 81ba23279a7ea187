namespace R1Sharp.Evaluation;

/// <summary>A snapshot of a running evaluation, reported after each judged sample.</summary>
/// <param name="Benchmark">The benchmark the last sample belonged to.</param>
/// <param name="SamplesDone">Samples with a response, over all benchmarks, including those kept from an earlier run.</param>
/// <param name="SamplesTotal">Samples the run will have when complete (questions × k, summed over benchmarks).</param>
/// <param name="Correct">Correct samples among <paramref name="SamplesDone"/>.</param>
/// <param name="Failed">Samples the backend failed to produce in this run (retried on the next run).</param>
/// <param name="DoneThisRun">Samples finished (responded or failed) by this run, for the rate and ETA.</param>
/// <param name="Elapsed">Time since this run started.</param>
public sealed record EvaluationProgress(
    string Benchmark, int SamplesDone, int SamplesTotal, int Correct, int Failed, int DoneThisRun, TimeSpan Elapsed)
{
    /// <summary>Correct / done so far (0 when nothing is done).</summary>
    public double AccuracySoFar => SamplesDone == 0 ? 0 : (double)Correct / SamplesDone;

    /// <summary>Estimated time left at this run's rate, or null before the first sample.</summary>
    public TimeSpan? EstimatedRemaining =>
        DoneThisRun == 0 ? null : TimeSpan.FromTicks((long)(Elapsed.Ticks / (double)DoneThisRun * Math.Max(0, SamplesTotal - SamplesDone - Failed)));
}
