using R1Sharp.Training.Zero;

namespace R1Sharp.Tests.Training;

public class MovingLossProgressTests
{
    private sealed class Collect : IProgress<ZeroProgress>
    {
        public List<ZeroProgress> Reports { get; } = [];
        public void Report(ZeroProgress value) => Reports.Add(value);
    }

    [Fact]
    public void Reports_the_mean_of_the_last_window_of_losses()
    {
        var target = new Collect();
        var progress = new MovingLossProgress("pretrain", 10, target, window: 3);
        Assert.True(double.IsNaN(progress.MeanLoss));
        double[] losses = [9, 6, 3, 0, 3];
        for (int i = 0; i < losses.Length; i++) progress.Report((i + 1, losses[i]));

        Assert.Equal([9.0, 7.5, 6.0, 3.0, 2.0], target.Reports.Select(r => r.Values["loss"]));
        Assert.Equal(2.0, progress.MeanLoss);
        Assert.All(target.Reports, r => Assert.Equal("pretrain", r.Phase));
        Assert.Equal([1, 2, 3, 4, 5], target.Reports.Select(r => r.Step));
        Assert.All(target.Reports, r => Assert.Equal(10, r.Total));
        Assert.All(target.Reports, r => Assert.True(r.Eta >= TimeSpan.Zero));
    }

    [Fact]
    public void The_last_step_has_no_time_left()
    {
        var target = new Collect();
        var progress = new MovingLossProgress("sft", 4, target);
        progress.Report((3, 1.0)); // a resumed run: the pace counts from its first reported step
        progress.Report((4, 1.0));
        Assert.Equal(TimeSpan.Zero, target.Reports[^1].Eta);
    }
}
