using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Metrics;

namespace R1Sharp.Tests.Training;

/// <summary>Issue 20's options end to end: a few GRPO steps on the toy model, and resume with a moving reference.</summary>
public sealed class GrpoFamilyRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-grpo-family").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // GSPO's sequence ratio + CISPO + RLOO + a TR-DPO reference moved every step; μ = 2 so the ratios leave 1.
    private static R1Sharp.Training.Configuration.GrpoOptions GspoCispoRloo(int steps) => ToyGrpo.Options(steps) with
    {
        ImportanceSamplingLevel = ImportanceSamplingLevel.Sequence,
        LossType = GrpoLossType.Cispo,
        EpsilonHigh = 5,
        AdvEstimator = AdvantageEstimator.Rloo,
        SyncRefModel = true,
        RefModelSyncSteps = 1,
        RefModelMixupAlpha = 0.5,
        NumIterations = 2,
    };

    [Fact]
    public async Task SequenceCispoRlooWithAMovingReferenceTrainsAndResumesExactly()
    {
        string straight = Path.Combine(_dir, "straight"), crashed = Path.Combine(_dir, "crashed");
        var options = GspoCispoRloo(3);
        var (p1, r1) = ToyGrpo.Models();
        var (_, fresh) = ToyGrpo.Models();
        using (fresh)
        using (p1)
        using (r1)
        {
            await ToyGrpo.Trainer(p1, r1, options, straight).RunAsync(resume: false);
            // The reference moved towards the policy (and is no longer the starting weights).
            var start = fresh.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            Assert.Contains(r1.named_parameters(), p => !p.parameter.eq(start[p.name]).all().item<bool>());
        }
        Assert.True(File.Exists(Path.Combine(straight, "checkpoints", "checkpoint-2", ReferencePolicy.CheckpointFileName)));
        var expected = MetricsLog.ReadJsonl(Path.Combine(straight, MetricsLog.JsonlFileName));
        Assert.All(expected, m =>
        {
            Assert.True(double.IsFinite(m.Values["loss"]));
            Assert.True(m.Values["sequence_ratio/min"] <= m.Values["sequence_ratio/mean"] && m.Values["sequence_ratio/mean"] <= m.Values["sequence_ratio/max"]);
            Assert.InRange(m.Values["cispo_clip_ratio"], 0, 1);
        });
        Assert.Contains(expected, m => m.Values["sequence_ratio/max"] > m.Values["sequence_ratio/min"]); // the second pass is off-policy

        // Crash after the step-2 checkpoint, resume with a fresh (starting-weights) reference: the checkpoint's must be restored.
        using var cts = new CancellationTokenSource();
        var (p2, r2) = ToyGrpo.Models();
        using (p2)
        using (r2)
        {
            var progress = new SynchronousProgress<GrpoProgress>(p => { if (p.Step == 2) cts.Cancel(); });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ToyGrpo.Trainer(p2, r2, options, crashed).RunAsync(false, null, progress, cts.Token));
        }
        var (p3, r3) = ToyGrpo.Models();
        using (p3)
        using (r3)
            Assert.Equal(2, (await ToyGrpo.Trainer(p3, r3, options, crashed).RunAsync(resume: true)).StartedAtStep);
        var actual = MetricsLog.ReadJsonl(Path.Combine(crashed, MetricsLog.JsonlFileName));
        Assert.Equal(expected.Select(m => m.Step), actual.Select(m => m.Step));
        foreach (var name in new[] { "reward", "loss", "kl", "grad_norm", "sequence_ratio/mean", "cispo_clip_ratio" })
            for (int i = 0; i < expected.Count; i++)
                Assert.True(expected[i].Values[name] == actual[i].Values[name], $"step {expected[i].Step} {name}: {expected[i].Values[name]} vs {actual[i].Values[name]}");
        Assert.Equal(3, new CheckpointStore<TrainerState>(crashed).Latest()!.Value.State.Step);
    }

    [Fact]
    public async Task DeltaEntropySelectionBonusAndKlInTheRewardRunTogether()
    {
        var options = ToyGrpo.Options(2) with
        {
            SaveSteps = 0,
            LossType = GrpoLossType.Dapo,
            Delta = 3,
            TopEntropyQuantile = 0.5,
            EntropyCoef = 0.01,
            LogprobChunkSize = 0,
            UseKlInReward = true,
            KlLossType = KlEstimator.LowVarKl,
            AdvEstimator = AdvantageEstimator.ReinforcePlusPlusBaseline,
        };
        var (policy, reference) = ToyGrpo.Models();
        using (policy)
        using (reference)
            await ToyGrpo.Trainer(policy, reference, options, _dir).RunAsync(resume: false);
        var metrics = MetricsLog.ReadJsonl(Path.Combine(_dir, MetricsLog.JsonlFileName));
        Assert.Equal(2, metrics.Count);
        Assert.All(metrics, m =>
        {
            Assert.InRange(m.Values["entropy/kept_fraction"], 0.3, 0.7);
            Assert.True(m.Values["entropy/kept_mean"] >= m.Values["entropy"], "the kept tokens are the high-entropy ones");
            Assert.InRange(m.Values["clip_ratio/delta_mean"], 0, 1);
            Assert.Equal(0.01, m.Values["entropy_coef"]);
            Assert.True(m.Values["reward_kl_penalty"] >= 0);
        });
        // Step 1 samples with the starting weights (KL 0 to the reference); after one update the KL is positive.
        Assert.Equal(0, metrics[0].Values["kl"], 6);
        Assert.True(metrics[1].Values["kl"] > 0 && metrics[1].Values["reward_kl_penalty"] > 0);
    }

    [Theory]
    [InlineData(GrpoLossType.Bnpo)]
    [InlineData(GrpoLossType.Sapo)]
    public async Task OtherLossTypesTakeAStep(GrpoLossType lossType)
    {
        var (policy, reference) = ToyGrpo.Models();
        using (policy)
        using (reference)
            await ToyGrpo.Trainer(policy, reference, ToyGrpo.Options(1) with { SaveSteps = 0, LossType = lossType }, _dir).RunAsync(resume: false);
        var step = Assert.Single(MetricsLog.ReadJsonl(Path.Combine(_dir, MetricsLog.JsonlFileName)));
        Assert.True(double.IsFinite(step.Values["loss"]));
        Assert.True(step.Values["grad_norm"] > 0);
    }
}
