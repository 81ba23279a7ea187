using R1Sharp.Rewards.Composition;
using R1Sharp.Rewards.Format;

namespace R1Sharp.Rewards.Tests.Composition;

public class RewardComposerTests
{
    private static readonly RewardInput[] Batch =
    [
        Inputs.Of("<think>r</think><answer>2</answer>"),
        Inputs.Of("no tags at all"),
        Inputs.Of("<think>r</think>2"),
    ];

    [Fact]
    public async Task Totals_are_the_weighted_sum_of_each_functions_scores()
    {
        var composer = new RewardComposer([new(new FormatReward(), 0.5), new(new TagCountReward(), 2.0)]);
        RewardScores scores = await composer.ScoreAsync(Batch);

        Assert.Equal(["format", "tag_count"], scores.Names);
        Assert.Equal(3, scores.Count);
        for (int i = 0; i < Batch.Length; i++)
        {
            double format = (await new FormatReward().ScoreAsync(Batch[i]))!.Value;
            double tags = (await new TagCountReward().ScoreAsync(Batch[i]))!.Value;
            Assert.Equal(format, scores.ScoresOf("format")[i]);
            Assert.Equal(tags, scores.ScoresOf(1)[i]);
            Assert.Equal(0.5 * format + 2.0 * tags, scores.Totals[i], 12);
        }
    }

    [Fact]
    public async Task Null_scores_count_zero_in_the_total_and_are_left_out_of_the_mean()
    {
        var sometimes = new ByCompletionReward("sometimes", c => c.Length > 5 ? 1.0 : null);
        var composer = new RewardComposer([new(sometimes, 3.0), new(new FixedReward(0.5), 1.0)]);
        RewardScores scores = await composer.ScoreAsync([Inputs.Of("long enough"), Inputs.Of("shrt"), Inputs.Of("also long")]);

        Assert.Equal([1.0, null, 1.0], scores.ScoresOf("sometimes"));
        Assert.Equal([3.5, 0.5, 3.5], scores.Totals);
        Assert.Equal(7.5 / 3, scores.TotalMean!.Value, 12);
        double mean = 7.5 / 3;
        Assert.Equal(Math.Sqrt((2 * (3.5 - mean) * (3.5 - mean) + (0.5 - mean) * (0.5 - mean)) / 3), scores.TotalStandardDeviation!.Value, 12);
        Assert.Equal(1.0, scores.Mean(0));
        Assert.Equal(0.0, scores.StandardDeviation(0));
        Assert.Equal(0.5, scores.Means()["fixed"]);
    }

    [Fact]
    public async Task A_function_that_never_applies_has_no_mean()
    {
        var composer = new RewardComposer([new(new FixedReward(null), 1.0)]);
        RewardScores scores = await composer.ScoreAsync(Batch);
        Assert.Null(scores.Mean(0));
        Assert.Null(scores.StandardDeviation(0));
        Assert.All(scores.Totals, t => Assert.Equal(0.0, t));
    }

    [Fact]
    public async Task An_empty_batch_gives_empty_scores()
    {
        var composer = new RewardComposer([new(new FormatReward(), 1.0)]);
        RewardScores scores = await composer.ScoreAsync([]);
        Assert.Equal(0, scores.Count);
        Assert.Null(scores.Mean(0));
        Assert.Null(scores.TotalMean);
        Assert.Null(scores.TotalStandardDeviation);
    }

    [Fact]
    public void A_repeated_name_is_refused_naming_it()
    {
        // Weights, metrics and score columns are keyed by name: a second 'format' would be ambiguous.
        var error = Assert.Throws<ArgumentException>(() => new RewardComposer([
            new(new FixedReward(1, "format_2"), 1), new(new FormatReward(), 1), new(new FormatReward(new() { Mode = FormatMode.Lenient }), 1),
        ]));
        Assert.Contains("'format'", error.Message);
        Assert.Equal(["format_2", "format"], new RewardComposer([new(new FixedReward(1, "format_2"), 1), new(new FormatReward(), 1)]).Labels);
    }

    [Fact]
    public async Task Scores_can_be_subset_and_concatenated_keeping_each_function_apart()
    {
        var composer = new RewardComposer([new(new FormatReward(), 0.5), new(new FixedReward(null, "none"), 1)]);
        RewardScores scores = await composer.ScoreAsync(Batch);
        RewardScores picked = scores.Subset([2, 0]);
        Assert.Equal([scores.Totals[2], scores.Totals[0]], picked.Totals);
        Assert.Equal([scores.ScoresOf(0)[2], scores.ScoresOf(0)[0]], picked.ScoresOf("format"));
        Assert.Equal(0, scores.Subset([]).Count);
        Assert.Equal(scores.Names, scores.Subset([]).Names);

        RewardScores joined = RewardScores.Concatenate([picked, scores]);
        Assert.Equal([.. picked.Totals, .. scores.Totals], joined.Totals);
        Assert.Equal([.. picked.ScoresOf(1), .. scores.ScoresOf(1)], joined.ScoresOf(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => scores.Subset([Batch.Length]));
        var other = await new RewardComposer([new(new FormatReward(), 1)]).ScoreAsync(Batch);
        Assert.Throws<ArgumentException>(() => RewardScores.Concatenate([scores, other]));
    }

    [Fact]
    public async Task A_throwing_function_fails_the_batch_naming_the_function_and_completion()
    {
        var failing = new ByCompletionReward("fragile", c => c == "no tags at all" ? throw new InvalidOperationException("boom") : 1.0);
        var composer = new RewardComposer([new(new FormatReward(), 1), new(failing, 1)]);
        var error = await Assert.ThrowsAsync<RewardEvaluationException>(() => composer.ScoreAsync(Batch));
        Assert.Equal("fragile", error.FunctionName);
        Assert.Equal(1, error.CompletionIndex);
        Assert.IsType<InvalidOperationException>(error.InnerException);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public async Task A_non_finite_score_fails_the_batch(double bad)
    {
        var composer = new RewardComposer([new(new FixedReward(bad, "broken"), 1)]);
        var error = await Assert.ThrowsAsync<RewardEvaluationException>(() => composer.ScoreAsync(Batch));
        Assert.Contains("broken", error.Message);
    }

    [Fact]
    public async Task Concurrency_is_bounded_by_the_option()
    {
        var probe = new ConcurrencyProbe();
        var composer = new RewardComposer([new(probe, 1)], new RewardComposerOptions { MaxConcurrency = 3 });
        RewardInput[] batch = [.. Enumerable.Range(0, 24).Select(i => Inputs.Of($"c{i}"))];
        RewardScores scores = await composer.ScoreAsync(batch);
        Assert.InRange(probe.MaxSeen, 1, 3);
        Assert.All(scores.Totals, t => Assert.Equal(1.0, t));
    }

    [Fact]
    public async Task Asynchronous_rewards_run_side_by_side()
    {
        // Each call waits until `width` calls are in flight at once: it can only finish if the composer really
        // runs that many together (it would hang, and the test would fail by cancellation, if it ran them one by one).
        const int width = 4;
        var gate = new GateReward(width);
        var composer = new RewardComposer([new(gate, 1)], new RewardComposerOptions { MaxConcurrency = width });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        RewardScores scores = await composer.ScoreAsync([.. Enumerable.Range(0, width).Select(i => Inputs.Of($"c{i}"))], timeout.Token);
        Assert.Equal(width, scores.Count);
    }

    [Fact]
    public async Task Cancellation_stops_scoring()
    {
        var composer = new RewardComposer([new(new GateReward(int.MaxValue), 1)]);
        using var cancel = new CancellationTokenSource();
        Task<RewardScores> scoring = composer.ScoreAsync(Batch, cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scoring);
    }

    [Fact]
    public async Task One_composer_scores_many_batches_at_once_consistently()
    {
        var composer = RewardRegistry.CreateDefault().CreateComposer("format:1,tag_count:0.5,repetition:0.25,language:0.1");
        RewardInput[] batch = [.. Enumerable.Range(0, 40).Select(i => Inputs.Of(
            i % 3 == 0 ? $"<think>step {i} wait wait wait</think><answer>{i}</answer>" : i % 3 == 1 ? $"answer {i}" : $"<think>好的 {i}</think>{i}"))];
        RewardScores reference = await composer.ScoreAsync(batch);
        RewardScores[] concurrent = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => composer.ScoreAsync(batch))));
        foreach (RewardScores scores in concurrent)
        {
            Assert.Equal(reference.Totals, scores.Totals);
            for (int f = 0; f < reference.Names.Count; f++) Assert.Equal(reference.ScoresOf(f), scores.ScoresOf(f));
        }
    }

    [Fact]
    public void Invalid_compositions_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new RewardComposer([]));
        Assert.Throws<ArgumentException>(() => new RewardComposer([new(new FormatReward(), double.NaN)]));
        Assert.Throws<ArgumentException>(() => new RewardComposer([new(new FormatReward(), 1)], new RewardComposerOptions { MaxConcurrency = 0 }));
        Assert.Throws<ArgumentException>(() => new RewardComposer([new(null!, 1)]));
    }

    [Fact]
    public async Task Disposing_the_composer_disposes_its_disposable_functions_once()
    {
        var owned = new DisposableReward();
        var composer = new RewardComposer([new(owned, 1), new(new FormatReward(), 1)]);
        await composer.DisposeAsync();
        Assert.Equal(1, owned.Disposals);
    }

    private sealed class DisposableReward : IRewardFunction, IDisposable
    {
        public int Disposals { get; private set; }

        public string Name => "owned";

        public ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default) => ValueTask.FromResult<double?>(1.0);

        public void Dispose() => Disposals++;
    }

    private sealed class ByCompletionReward(string name, Func<string, double?> score) : IRewardFunction
    {
        public string Name => name;

        public ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(score(input.Completion));
    }

    private sealed class ConcurrencyProbe : IRewardFunction
    {
        private int _current;
        private int _max;

        public int MaxSeen => Volatile.Read(ref _max);

        public string Name => "probe";

        public async ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default)
        {
            int now = Interlocked.Increment(ref _current);
            int seen;
            while (now > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, seen) != seen) { }
            await Task.Yield();
            Thread.Sleep(2);   // hold the slot so that overlap can happen
            Interlocked.Decrement(ref _current);
            return 1.0;
        }
    }

    private sealed class GateReward(int width) : IRewardFunction
    {
        private int _arrived;
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "gate";

        public async ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _arrived) >= width) _open.TrySetResult();
            await _open.Task.WaitAsync(cancellationToken);
            return 1.0;
        }
    }
}
