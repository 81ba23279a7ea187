using R1Sharp.Training.Optimization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Training;

/// <summary>
/// In-process micro-batch workers: each worker runs its contiguous share at the same time as the others, and the
/// step's gradient is every micro-batch's, summed in an order fixed by the worker split.
/// </summary>
public sealed class ConcurrentMicroBatchesTests
{
    // Micro-batch k's loss is (w · x_k).sum(), whose gradient is x_k exactly: the expected sums can be written down.
    private static readonly float[][] Inputs =
    [
        [0.1f, 1e8f, -3.3f], [0.7f, 1f, 2.9f], [-0.3f, -1e8f, 1.1f], [0.9f, 3f, -0.7f],
    ];

    private static float[] Gradient(int microBatches, int workers)
    {
        using var scope = NewDisposeScope();
        var weight = new Parameter(ones(3));
        ConcurrentMicroBatches.Run(microBatches, workers, [weight], (k, gradients) =>
        {
            using var inner = NewDisposeScope();
            gradients.Backward((weight * tensor(Inputs[k])).sum());
            return k;
        });
        return weight.grad!.data<float>().ToArray();
    }

    [Fact]
    public void TwoWorkersSumTheirOwnSharesFirstAndThenEachOther()
    {
        // 1e8 + 1 + (−1e8) + 3 depends on the order: sequentially ((1e8 + 1) − 1e8) + 3 = 3 (the 1 is lost at 1e8),
        // in halves (1e8 + 1) + (−1e8 + 3) = 0 (float32 rounds both halves to ±1e8).
        float[] Sum(Func<float, float, float, float, float> order) => [.. Enumerable.Range(0, 3).Select(i => order(Inputs[0][i], Inputs[1][i], Inputs[2][i], Inputs[3][i]))];
        var sequential = Sum((a, b, c, d) => ((a + b) + c) + d);
        var halves = Sum((a, b, c, d) => (a + b) + (c + d));
        Assert.NotEqual(sequential[1], halves[1]);

        Assert.Equal(sequential, Gradient(4, workers: 1));
        for (int run = 0; run < 3; run++) Assert.Equal(halves, Gradient(4, workers: 2)); // whichever thread finishes first
        // Two micro-batches: a + b either way, so two workers give one worker's bits.
        Assert.Equal(Gradient(2, workers: 1), Gradient(2, workers: 2));
    }

    [Fact]
    public void EachWorkerRunsItsContiguousShareAtTheSameTimeAsTheOthers()
    {
        int caller = Environment.CurrentManagedThreadId;
        var threads = new int[6];
        var gradMode = new bool[6];
        using var bothStarted = new Barrier(2);
        var weight = new Parameter(ones(3));
        var results = ConcurrentMicroBatches.Run(6, 2, [weight], (k, gradients) =>
        {
            threads[k] = Environment.CurrentManagedThreadId;
            gradMode[k] = is_grad_enabled();
            // Each worker's first micro-batch waits for the other's: only workers that run at once get past it.
            if (k is 0 or 3) Assert.True(bothStarted.SignalAndWait(TimeSpan.FromSeconds(60)), "the two workers never ran at the same time");
            using var inner = NewDisposeScope();
            gradients.Backward((weight * (k + 1)).sum());
            return k * 10;
        });
        Assert.Equal([0, 10, 20, 30, 40, 50], results);
        Assert.All(threads[..3], t => Assert.Equal(caller, t));
        Assert.All(threads[3..], t => Assert.Equal(threads[3], t));
        Assert.NotEqual(caller, threads[3]);
        Assert.All(gradMode, Assert.True);
        Assert.Equal(Enumerable.Repeat(21f, 3), weight.grad!.data<float>().ToArray()); // 1 + 2 + … + 6
    }

    [Fact]
    public void AFailingWorkerEndsTheStepWithItsErrorAndNoneOfItsGradientsReachTheParameters()
    {
        using var scope = NewDisposeScope();
        var weight = new Parameter(zeros(3));
        var error = Assert.Throws<InvalidOperationException>(() => ConcurrentMicroBatches.Run(4, 2, [weight], (k, gradients) =>
        {
            using var inner = NewDisposeScope();
            gradients.Backward((weight * (1000 * (k + 1))).sum()); // micro-batch k adds 1000·(k + 1)
            if (k == 3) throw new InvalidOperationException("micro-batch 3 failed");
            return k;
        }));
        Assert.Equal("micro-batch 3 failed", error.Message);
        // Worker 0 back-propagated micro-batches 0 and 1 (3000), or stopped after 0 (1000), or, on a loaded machine,
        // before its first (no gradient); worker 1's 2 and 3 (3000 + 4000, in its buffer) never reached .grad.
        float reached = weight.grad is { } grad ? grad.data<float>()[0] : 0;
        Assert.Contains(reached, new[] { 0f, 1000f, 3000f });
    }

    [Fact]
    public void FrozenParametersGetNoGradientFromAnyWorker()
    {
        using var scope = NewDisposeScope();
        var trained = new Parameter(ones(2));
        var frozen = new Parameter(ones(2), requires_grad: false);
        ConcurrentMicroBatches.Run(2, 2, [trained, frozen], (k, gradients) =>
        {
            using var inner = NewDisposeScope();
            gradients.Backward((trained * frozen).sum());
            return k;
        });
        Assert.Equal([2f, 2f], trained.grad!.data<float>().ToArray());
        Assert.Null(frozen.grad);
    }

    [Fact]
    public void ForEachComputesEveryItemOnceWithoutGradients()
    {
        var seen = new int[5];
        var gradMode = new bool[5];
        ConcurrentMicroBatches.ForEach(5, 2, k =>
        {
            Interlocked.Increment(ref seen[k]);
            gradMode[k] = is_grad_enabled();
        });
        Assert.All(seen, count => Assert.Equal(1, count));
        Assert.All(gradMode, Assert.False);
    }

    [Fact]
    public void TheSecondWorkersThreadIsKeptForTheNextStepAndRunsEachStepInThatStepsGradMode()
    {
        // Twenty steps one after another: a fresh thread per step would show twenty thread ids. Other tests may take
        // an idle worker thread in between, so the check allows a few, not one.
        var threads = new HashSet<int>();
        var gradModes = new List<bool>();
        int main = Environment.CurrentManagedThreadId;
        for (int step = 0; step < 20; step++)
        {
            bool gradients = step % 2 == 0;
            (int Thread, bool GradMode)[] results = gradients
                ? ConcurrentMicroBatches.Run(2, 2, [], (k, _) => (Environment.CurrentManagedThreadId, is_grad_enabled()))
                : ForEachThread();
            Assert.Equal(main, results[0].Thread);
            Assert.NotEqual(main, results[1].Thread);
            threads.Add(results[1].Thread);
            gradModes.Add(results[1].GradMode);
        }
        Assert.InRange(threads.Count, 1, 5);
        Assert.Equal(Enumerable.Range(0, 20).Select(step => step % 2 == 0), gradModes);

        static (int Thread, bool GradMode)[] ForEachThread()
        {
            var seen = new (int Thread, bool GradMode)[2];
            ConcurrentMicroBatches.ForEach(2, 2, k => seen[k] = (Environment.CurrentManagedThreadId, is_grad_enabled()));
            return seen;
        }
    }

    [Fact]
    public void AKeptWorkerThreadHandsItsWorksExceptionToTheJoiningCallerAndTakesTheNextWork()
    {
        var failing = ReusableWorkerThread.Start(() => throw new InvalidOperationException("micro-batch 3 failed"));
        var error = Assert.Throws<InvalidOperationException>(failing.Join);
        Assert.Equal("micro-batch 3 failed", error.Message);

        int ranOn = 0;
        ReusableWorkerThread.Start(() => ranOn = Environment.CurrentManagedThreadId).Join();
        Assert.NotEqual(0, ranOn);
        Assert.NotEqual(Environment.CurrentManagedThreadId, ranOn);
    }
}
