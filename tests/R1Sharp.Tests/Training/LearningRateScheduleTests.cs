using R1Sharp.Training.Configuration;
using R1Sharp.Training.Optimization;

namespace R1Sharp.Tests.Training;

/// <summary>The one schedule of GRPO, SFT and the pre-trainer, checked against transformers' formulas by hand:
/// optimizer step k uses the multiplier of transformers' <c>current_step</c> = k − 1.</summary>
public class LearningRateScheduleTests
{
    private const double Peak = 1e-3;

    [Theory]
    [InlineData(LearningRateScheduleKind.Constant)]
    [InlineData(LearningRateScheduleKind.Cosine)]
    [InlineData(LearningRateScheduleKind.Linear)]
    public void WarmupStartsAtZeroAndReachesThePeakAtStepWarmupPlusOne(LearningRateScheduleKind kind)
    {
        // get_*_schedule_with_warmup: current_step / num_warmup_steps while current_step < num_warmup_steps.
        Assert.Equal(0, LearningRateSchedule.At(1, 100, Peak, 4, kind, 0.1));
        Assert.Equal(Peak / 4, LearningRateSchedule.At(2, 100, Peak, 4, kind, 0.1), 15);
        Assert.Equal(Peak * 3 / 4, LearningRateSchedule.At(4, 100, Peak, 4, kind, 0.1), 15);
        Assert.Equal(Peak, LearningRateSchedule.At(5, 100, Peak, 4, kind, 0.1), 15);
    }

    [Fact]
    public void CosineIsHalfwayAtHalfTheDecayAndEndsOneStepAboveTheFloor()
    {
        // cosine_with_min_lr, min_lr_rate 0.1: progress = (current_step − 4) / 96; current_step 52 is halfway.
        Assert.Equal(0.1 * Peak + 0.9 * Peak * 0.5, LearningRateSchedule.At(53, 100, Peak, 4, LearningRateScheduleKind.Cosine, 0.1), 15);
        double lastProgress = 95.0 / 96;
        Assert.Equal(0.1 * Peak + 0.9 * Peak * 0.5 * (1 + Math.Cos(Math.PI * lastProgress)),
            LearningRateSchedule.At(100, 100, Peak, 4, LearningRateScheduleKind.Cosine, 0.1), 15);
        for (int k = 6; k <= 100; k++)
            Assert.True(LearningRateSchedule.At(k, 100, Peak, 4, LearningRateScheduleKind.Cosine, 0.1) < LearningRateSchedule.At(k - 1, 100, Peak, 4, LearningRateScheduleKind.Cosine, 0.1));
    }

    [Fact]
    public void LinearWithoutWarmupIsTransformersLinearSchedule()
    {
        // get_linear_schedule_with_warmup(0, 100): (100 − current_step) / 100.
        Assert.Equal(Peak, LearningRateSchedule.At(1, 100, Peak, 0, LearningRateScheduleKind.Linear, 0), 15);
        Assert.Equal(Peak * 50 / 100, LearningRateSchedule.At(51, 100, Peak, 0, LearningRateScheduleKind.Linear, 0), 15);
        Assert.Equal(Peak * 1 / 100, LearningRateSchedule.At(100, 100, Peak, 0, LearningRateScheduleKind.Linear, 0), 15);
    }

    [Fact]
    public void ConstantStaysAtThePeakAndStepsCountFromOne()
    {
        Assert.Equal(Peak, LearningRateSchedule.At(1, 10, Peak, 0, LearningRateScheduleKind.Constant, 0.1));
        Assert.Equal(Peak, LearningRateSchedule.At(10, 10, Peak, 0, LearningRateScheduleKind.Constant, 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.At(0, 10, Peak, 0, LearningRateScheduleKind.Constant, 0.1));
    }

    [Fact]
    public void AWarmupRatioRoundsUpToWholeSteps()
    {
        Assert.Equal(3, LearningRateSchedule.WarmupSteps(100, 0.03));
        Assert.Equal(1, LearningRateSchedule.WarmupSteps(10, 0.03));
        Assert.Equal(0, LearningRateSchedule.WarmupSteps(10, 0));
    }
}
