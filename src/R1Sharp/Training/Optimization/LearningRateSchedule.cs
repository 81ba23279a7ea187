using R1Sharp.Training.Configuration;

namespace R1Sharp.Training.Optimization;

/// <summary>Linear warmup, then constant, cosine or linear decay to <c>min_learning_rate_ratio × peak</c> (transformers' schedules).</summary>
public static class LearningRateSchedule
{
    /// <summary>The learning rate of optimizer step <paramref name="step"/> (1-based) out of <paramref name="totalSteps"/>.</summary>
    public static double At(int step, int totalSteps, double peak, int warmupSteps, LearningRateScheduleKind kind, double minRatio)
    {
        if (step < 1) throw new ArgumentOutOfRangeException(nameof(step), step, "Steps are counted from 1.");
        if (warmupSteps > 0 && step <= warmupSteps) return peak * step / warmupSteps;
        if (kind == LearningRateScheduleKind.Constant) return peak;
        int decaySteps = Math.Max(1, totalSteps - warmupSteps);
        double progress = Math.Clamp((step - warmupSteps) / (double)decaySteps, 0, 1);
        double floor = peak * minRatio;
        double shape = kind == LearningRateScheduleKind.Cosine ? 0.5 * (1 + Math.Cos(Math.PI * progress)) : 1 - progress;
        return floor + (peak - floor) * shape;
    }
}
