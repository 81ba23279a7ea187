namespace R1Sharp.Training.Sft;

/// <summary>Learning rate at each optimizer step: linear warmup from 0, then the chosen decay.</summary>
/// <param name="PeakRate">Rate reached at the end of warmup.</param>
/// <param name="TotalSteps">Optimizer steps of the whole run.</param>
/// <param name="WarmupSteps">Steps of linear warmup.</param>
/// <param name="Schedule">Decay after warmup.</param>
/// <param name="MinRateRatio">Final rate as a fraction of the peak (cosine/linear).</param>
public sealed record LearningRatePlan(double PeakRate, int TotalSteps, int WarmupSteps, LearningRateSchedule Schedule, double MinRateRatio = 0)
{
    /// <summary>Rate for 0-based optimizer step <paramref name="step"/>.</summary>
    public double RateAt(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        // (step + 1): the first step already uses a non-zero rate, as transformers' warmup does.
        if (step < WarmupSteps) return PeakRate * (step + 1) / WarmupSteps;
        if (Schedule == LearningRateSchedule.Constant) return PeakRate;
        int decaySteps = Math.Max(1, TotalSteps - WarmupSteps);
        double progress = Math.Clamp((double)(step - WarmupSteps) / decaySteps, 0, 1);
        double factor = Schedule == LearningRateSchedule.Cosine ? 0.5 * (1 + Math.Cos(Math.PI * progress)) : 1 - progress;
        return PeakRate * (MinRateRatio + (1 - MinRateRatio) * factor);
    }
}
