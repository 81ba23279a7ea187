using R1Sharp.Evaluation.Backends;

namespace R1Sharp.Tests.Evaluation;

public class RetryPolicyTests
{
    private static readonly RetryPolicy Policy = new()
    {
        InitialDelay = TimeSpan.FromSeconds(1),
        MaxDelay = TimeSpan.FromSeconds(10),
        MaxRetryAfter = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public void DoublesFromTheInitialDelayUpToTheCap()
    {
        // Jitter just below 1 gives (almost) the full backoff: 1, 2, 4, 8, then the 10 s cap.
        double[] expected = [1, 2, 4, 8, 10, 10];
        for (int retry = 0; retry < expected.Length; retry++)
            Assert.Equal(expected[retry], Policy.DelayBefore(retry, null, 0.999999).TotalSeconds, 3);
    }

    [Fact]
    public void JitterScalesBetweenHalfAndAllOfTheBackoff()
    {
        Assert.Equal(2.0, Policy.DelayBefore(2, null, 0).TotalSeconds, 9);
        Assert.Equal(3.0, Policy.DelayBefore(2, null, 0.5).TotalSeconds, 9);
        Assert.Throws<ArgumentOutOfRangeException>(() => Policy.DelayBefore(0, null, 1.0));
    }

    [Fact]
    public void RetryAfterWinsOverBackoffAndIsCapped()
    {
        Assert.Equal(TimeSpan.FromSeconds(7), Policy.DelayBefore(0, TimeSpan.FromSeconds(7), 0.3));
        Assert.Equal(TimeSpan.Zero, Policy.DelayBefore(5, TimeSpan.Zero, 0.3));
        Assert.Equal(TimeSpan.FromSeconds(30), Policy.DelayBefore(0, TimeSpan.FromHours(2), 0.3));
        Assert.Equal(TimeSpan.Zero, Policy.DelayBefore(0, TimeSpan.FromSeconds(-5), 0.3));
    }

    [Theory]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(408, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(404, false)]
    public void RetriesOnlyTransientStatuses(int status, bool transient) =>
        Assert.Equal(transient, RetryPolicy.IsTransient(status));
}
