using R1Sharp.Training.Configuration;

namespace R1Sharp.Training.Optimization;

/// <summary>
/// The learning rate of every trainer (GRPO, SFT, the built-in pre-trainer): linear warmup, then constant, cosine or
/// linear decay to <c>min_learning_rate_ratio × peak</c>, exactly as transformers' <c>get_*_schedule_with_warmup</c>
/// (<c>cosine_with_min_lr</c> for cosine) computes it. transformers counts from 0: optimizer step k (1-based) uses the
/// multiplier of index k − 1, so with warmup W the first step runs at rate 0, step W + 1 is the first at the peak, and
/// decay progress (k − 1 − W) / (total − W) never quite reaches 1 (the last step ends one decay step above the floor).
/// </summary>
public static class LearningRateSchedule
{
    /// <summary>The learning rate of optimizer step <paramref name="step"/> (1-based) out of <paramref name="totalSteps"/>.</summary>
    /// <param name="step">Optimizer step, counted from 1.</param>
    /// <param name="totalSteps">Optimizer steps of the whole run.</param>
    /// <param name="peak">Rate at the end of warmup.</param>
    /// <param name="warmupSteps">Steps of linear warmup (0 = none).</param>
    /// <param name="kind">Shape after warmup.</param>
    /// <param name="minRatio">Floor of cosine/linear decay as a fraction of the peak.</param>
    public static double At(int step, int totalSteps, double peak, int warmupSteps, LearningRateScheduleKind kind, double minRatio)
    {
        if (step < 1) throw new ArgumentOutOfRangeException(nameof(step), step, "Steps are counted from 1.");
        int index = step - 1; // transformers' current_step: 0 for the first optimizer step
        if (index < warmupSteps) return peak * index / warmupSteps;
        if (kind == LearningRateScheduleKind.Constant) return peak;
        int decaySteps = Math.Max(1, totalSteps - warmupSteps);
        double progress = Math.Clamp((index - warmupSteps) / (double)decaySteps, 0, 1);
        double floor = peak * minRatio;
        double shape = kind == LearningRateScheduleKind.Cosine ? 0.5 * (1 + Math.Cos(Math.PI * progress)) : 1 - progress;
        return floor + (peak - floor) * shape;
    }

    /// <summary>Warmup steps for a warmup given as a fraction of the run (transformers' <c>warmup_ratio</c>: rounded up).</summary>
    public static int WarmupSteps(int totalSteps, double warmupRatio) => (int)Math.Ceiling(totalSteps * warmupRatio);
}
