using R1Sharp.RewardModels;
using TorchSharp;

namespace R1Sharp.Tests.RewardModels;

public sealed class BradleyTerryLossTests
{
    [Fact]
    public void LossAndGradientMatchHandComputedValues()
    {
        // Pairs (r_c, r_r) = (1, 0) and (0, 2): loss = (softplus(−1) + softplus(2)) / 2 = (0.3132617 + 2.1269280) / 2.
        using var chosen = torch.tensor(new float[] { 1, 0 }).requires_grad_(true);
        using var rejected = torch.tensor(new float[] { 0, 2 }).requires_grad_(true);
        using var loss = BradleyTerryLoss.Compute(chosen, rejected, 0, 2);
        Assert.Equal(1.2200948, loss.item<float>(), 5);
        loss.backward();
        // ∂/∂r_c = −σ(r_r − r_c) / n: −σ(−1)/2 = −0.1344707, −σ(2)/2 = −0.4403985; ∂/∂r_r is the opposite.
        var gc = chosen.grad!.data<float>().ToArray();
        var gr = rejected.grad!.data<float>().ToArray();
        Assert.Equal(-0.1344707, gc[0], 5);
        Assert.Equal(-0.4403985, gc[1], 5);
        Assert.Equal(0.1344707, gr[0], 5);
        Assert.Equal(0.4403985, gr[1], 5);
    }

    [Fact]
    public void CentringAddsTheMeanSquaredSumAndItsGradient()
    {
        // + 0.5 × ((1 + 0)² + (0 + 2)²) / 2 = 1.25; its gradient 2 × 0.5 × (r_c + r_r) / 2 = 0.5 and 1.
        using var chosen = torch.tensor(new float[] { 1, 0 }).requires_grad_(true);
        using var rejected = torch.tensor(new float[] { 0, 2 }).requires_grad_(true);
        using var loss = BradleyTerryLoss.Compute(chosen, rejected, 0.5, 2);
        Assert.Equal(1.2200948 + 1.25, loss.item<float>(), 5);
        loss.backward();
        var gc = chosen.grad!.data<float>().ToArray();
        Assert.Equal(-0.1344707 + 0.5, gc[0], 5);
        Assert.Equal(-0.4403985 + 1.0, gc[1], 5);
    }

    [Fact]
    public void DividingByTheStepsPairsMakesAccumulationEqualOneBatch()
    {
        using var c = torch.tensor(new float[] { 0.3f, -1, 2 });
        using var r = torch.tensor(new float[] { 0.1f, 1, -2 });
        using var whole = BradleyTerryLoss.Compute(c, r, 0.1, 3);
        using var first = BradleyTerryLoss.Compute(c.narrow(0, 0, 2), r.narrow(0, 0, 2), 0.1, 3);
        using var second = BradleyTerryLoss.Compute(c.narrow(0, 2, 1), r.narrow(0, 2, 1), 0.1, 3);
        Assert.Equal(whole.item<float>(), first.item<float>() + second.item<float>(), 5);
    }

    [Fact]
    public void AccuracyCountsStrictWinsOnly()
    {
        Assert.Equal(0.5, BradleyTerryLoss.Accuracy([1, 0, 2, 3], [0, 0, 3, 1]));
        Assert.Throws<ArgumentException>(() => BradleyTerryLoss.Accuracy([1], [1, 2]));
    }

    [Fact]
    public void NormalisationsAreTheDocumentedOnes()
    {
        double?[] scores = [1, 3, null, 0, 0];
        string[] groups = ["a", "a", "a", "b", "b"];
        Assert.Equal([-1, 1, null, 0, 0], ScoreNormalizer.Apply(scores, groups, ScoreNormalization.Group));
        var sigmoid = ScoreNormalizer.Apply(scores, groups, ScoreNormalization.Sigmoid);
        Assert.Equal(1 / (1 + Math.Exp(-3)), sigmoid[1]!.Value, 12);
        Assert.Null(sigmoid[2]);
        // Batch: mean 1, population std √1.5 over the four present scores.
        var batch = ScoreNormalizer.Apply(scores, groups, ScoreNormalization.Batch);
        Assert.Equal(2 / Math.Sqrt(1.5), batch[1]!.Value, 12);
        Assert.Equal(scores, ScoreNormalizer.Apply(scores, groups, ScoreNormalization.None));
    }

    [Theory]
    [InlineData("<think>reasoning</think> The answer.", CompletionSection.Summary, "The answer.")]
    [InlineData("<think>a</think>b</think> c", CompletionSection.Summary, "c")]
    [InlineData("no reasoning at all", CompletionSection.Summary, "no reasoning at all")]
    [InlineData("<think>r</think> s", CompletionSection.Whole, "<think>r</think> s")]
    public void SectionsCutWhereDocumented(string completion, CompletionSection section, string expected) =>
        Assert.Equal(expected, CompletionSections.Select(completion, section));
}
