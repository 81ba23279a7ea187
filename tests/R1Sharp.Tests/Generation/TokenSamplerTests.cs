using R1Sharp.Generation;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Generation;

public class TokenSamplerTests
{
    private static Tensor RandomLogits(int seed, int rows = 4, int vocab = 50) =>
        torch.randn([rows, vocab], generator: new torch.Generator((ulong)seed)) * 2.5;

    /// <summary>The nucleus computed independently in C#: most likely tokens until their mass reaches top_p.</summary>
    private static HashSet<int> Nucleus(float[] logits, double topP, int topK)
    {
        var order = Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).ToList();
        if (topK > 0) order = order.Take(topK).ToList();
        double max = logits[order[0]];
        var weights = order.Select(i => Math.Exp(logits[i] - max)).ToList();
        double total = weights.Sum();
        var kept = new HashSet<int>();
        double mass = 0;
        for (int j = 0; j < order.Count && mass < topP; j++)
        {
            kept.Add(order[j]);
            mass += weights[j] / total;
        }
        return kept;
    }

    [Theory]
    [InlineData(0.5, 0)]
    [InlineData(0.9, 0)]
    [InlineData(1.0, 5)]
    [InlineData(0.8, 3)]
    public void SamplesNeverLeaveTheTopKOrNucleusSet(double topP, int topK)
    {
        using var scope = torch.NewDisposeScope();
        var logits = RandomLogits(7);
        var options = new SamplingOptions { TopP = topP, TopK = topK };
        using var gen = new torch.Generator(99);
        var sets = Enumerable.Range(0, 4).Select(r => Nucleus(logits[r].data<float>().ToArray(), topP, topK)).ToList();
        var seen = sets.Select(_ => new HashSet<int>()).ToList();
        for (int draw = 0; draw < 400; draw++)
        {
            var (tokens, _, _) = TokenSampler.Sample(logits, options, gen);
            var ids = tokens.data<long>().ToArray();
            for (int r = 0; r < 4; r++)
            {
                Assert.Contains((int)ids[r], sets[r]);
                seen[r].Add((int)ids[r]);
            }
        }
        // Over many draws more than one member of a multi-token set shows up (the filter is not just argmax).
        Assert.Contains(Enumerable.Range(0, 4), r => sets[r].Count > 1 && seen[r].Count > 1);
    }

    [Fact]
    public void ProcessedLogitsKeepExactlyTheNucleus()
    {
        using var scope = torch.NewDisposeScope();
        var logits = RandomLogits(3, rows: 2, vocab: 30);
        var processed = TokenSampler.ProcessLogits(logits, new SamplingOptions { TopP = 0.7, Temperature = 1 });
        for (int r = 0; r < 2; r++)
        {
            var expected = Nucleus(logits[r].data<float>().ToArray(), 0.7, 0);
            var row = processed[r].data<float>().ToArray();
            var kept = Enumerable.Range(0, row.Length).Where(i => !float.IsNegativeInfinity(row[i])).ToHashSet();
            Assert.Equal(expected.OrderBy(x => x), kept.OrderBy(x => x));
        }
    }

    [Fact]
    public void MinPDropsUnlikelyTokens()
    {
        using var scope = torch.NewDisposeScope();
        var logits = RandomLogits(5, rows: 1, vocab: 40);
        var processed = TokenSampler.ProcessLogits(logits, new SamplingOptions { MinP = 0.2 });
        var probs = logits.softmax(-1)[0].data<float>().ToArray();
        var row = processed[0].data<float>().ToArray();
        float max = probs.Max();
        for (int i = 0; i < probs.Length; i++)
            Assert.Equal(probs[i] < 0.2f * max, float.IsNegativeInfinity(row[i]));
    }

    [Fact]
    public void GreedyTakesArgmax()
    {
        using var scope = torch.NewDisposeScope();
        var logits = RandomLogits(8);
        var (tokens, logProbs, _) = TokenSampler.Sample(logits, new SamplingOptions { Temperature = 0 }, null);
        Assert.Equal(logits.argmax(-1).data<long>().ToArray(), tokens.data<long>().ToArray());
        var expected = logits.log_softmax(-1).max(-1).values.data<float>().ToArray();
        var actual = logProbs.data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-5);
    }

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(0.7, 1.0)]
    [InlineData(0.7, 0.9)] // top-p: the temperature-scaled log-prob is still over every id, not the nucleus
    [InlineData(1.0, 0.5)]
    public void TemperatureScaledLogProbsAreThoseOfTheDividedLogitsToTheBit(double temperature, double topP)
    {
        using var scope = torch.NewDisposeScope();
        var logits = RandomLogits(13, rows: 6, vocab: 300);
        var options = new SamplingOptions { Temperature = temperature, TopP = topP, SamplingLogProbs = SamplingLogProbKind.TemperatureScaled };
        using var gen = new torch.Generator(5);
        var (tokens, logProbs, scaled) = TokenSampler.Sample(logits, options, gen);

        using var divisor = temperature.ToScalar();
        var divided = logits.div(divisor);
        var index = tokens.unsqueeze(-1);
        var expected = divided.gather(-1, index).squeeze(-1) - divided.logsumexp(-1);
        Assert.True(expected.allclose(scaled!, 0, 0), $"largest difference {(expected - scaled!).abs().max().item<float>()}");
        if (temperature == 1.0) Assert.True(logProbs.allclose(scaled!, 0, 0));
        else Assert.False(logProbs.allclose(scaled!, 0, 0)); // T = 0.7 sharpens: the two kinds differ
    }
}
