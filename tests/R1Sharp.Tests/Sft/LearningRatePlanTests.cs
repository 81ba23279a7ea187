using R1Sharp.Training.Sft;

namespace R1Sharp.Tests.Sft;

public class LearningRatePlanTests
{
    [Fact]
    public void WarmupRisesLinearlyThenCosineEndsAtTheFloor()
    {
        var plan = new LearningRatePlan(1e-3, TotalSteps: 110, WarmupSteps: 10, LearningRateSchedule.Cosine, MinRateRatio: 0.1);
        Assert.Equal(1e-4, plan.RateAt(0), 12);
        Assert.Equal(5e-4, plan.RateAt(4), 12);
        Assert.Equal(1e-3, plan.RateAt(10), 12);
        Assert.Equal(0.55e-3, plan.RateAt(60), 12); // halfway through the decay: midpoint between peak and floor
        Assert.Equal(1e-4, plan.RateAt(110), 12);
        for (int s = 11; s < 110; s++) Assert.True(plan.RateAt(s) <= plan.RateAt(s - 1));
    }

    [Fact]
    public void ConstantAndLinearSchedules()
    {
        var constant = new LearningRatePlan(2e-5, 100, 0, LearningRateSchedule.Constant);
        Assert.Equal(2e-5, constant.RateAt(0));
        Assert.Equal(2e-5, constant.RateAt(99));
        var linear = new LearningRatePlan(2e-5, 100, 0, LearningRateSchedule.Linear);
        Assert.Equal(1e-5, linear.RateAt(50), 15);
        Assert.Equal(0, linear.RateAt(100), 15);
    }
}
