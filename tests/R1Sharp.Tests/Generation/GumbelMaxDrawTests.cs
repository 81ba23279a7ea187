using R1Sharp.Generation;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Generation;

public class GumbelMaxDrawTests
{
    /// <summary>The draw computed independently, one id at a time: argmax of p_i / -ln U_i with the seeds the draw takes.</summary>
    private static long[] ScalarDraws(float[,] p, ulong generatorSeed)
    {
        int rows = p.GetLength(0), vocabulary = p.GetLength(1);
        using var generator = new torch.Generator(generatorSeed);
        using var seeds = torch.randint(0, long.MaxValue, [rows], ScalarType.Int64, generator: generator);
        var seedValues = seeds.data<long>().ToArray();
        var ids = new long[rows];
        for (int r = 0; r < rows; r++)
        {
            double best = 0;
            for (int i = 0; i < vocabulary; i++)
            {
                double key = p[r, i] / -Math.Log(GumbelMaxDraw.Uniform((ulong)seedValues[r], i));
                if (key > best) (best, ids[r]) = (key, i);
            }
        }
        return ids;
    }

    [Theory]
    [InlineData(37)]      // under one vector, all tail
    [InlineData(64)]      // whole vectors, no tail
    [InlineData(1_003)]   // whole vectors and a tail
    public void DrawsTheIdsAScalarGumbelMaxComputesFromTheSameSeeds(int vocabulary)
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.randn([40, vocabulary], generator: new torch.Generator(3)) * 3;
        var probabilities = logits.softmax(-1);
        using var generator = new torch.Generator(11);
        var drawn = GumbelMaxDraw.Draw(probabilities, generator).data<long>().ToArray();

        var p = new float[40, vocabulary];
        var flat = probabilities.data<float>().ToArray();
        for (int r = 0; r < 40; r++)
            for (int i = 0; i < vocabulary; i++) p[r, i] = flat[r * vocabulary + i];
        Assert.Equal(ScalarDraws(p, 11), drawn);
    }

    [Fact]
    public void FrequenciesFollowTheProbabilitiesAndZeroEntriesAreNeverDrawn()
    {
        using var scope = torch.NewDisposeScope();
        const int rows = 20_000;
        // Unnormalised weights 1:2:3:4 on ids 3, 500, 901 and 1,020 of 1,021; everything else zero.
        var weights = torch.zeros([rows, 1_021]);
        long[] ids = [3, 500, 901, 1_020];
        for (int j = 0; j < ids.Length; j++) weights[.., ids[j]] = torch.tensor(j + 1f);
        using var generator = new torch.Generator(5);
        var drawn = GumbelMaxDraw.Draw(weights, generator).data<long>().ToArray();

        Assert.All(drawn, id => Assert.Contains(id, ids));
        for (int j = 0; j < ids.Length; j++)
        {
            double expected = (j + 1) / 10.0;
            double share = drawn.Count(id => id == ids[j]) / (double)rows;
            double sigma = Math.Sqrt(expected * (1 - expected) / rows);
            Assert.InRange(share, expected - 5 * sigma, expected + 5 * sigma);
        }
    }

    [Fact]
    public void AFlatDistributionOverQwensVocabularyIsDrawnUniformly()
    {
        using var scope = torch.NewDisposeScope();
        const int rows = 4_000, vocabulary = 151_936;
        var probabilities = torch.full([rows, vocabulary], 1f / vocabulary);
        using var generator = new torch.Generator(17);
        var drawn = GumbelMaxDraw.Draw(probabilities, generator).data<long>().ToArray();

        // Each tenth of the vocabulary gets a tenth of the draws (within five standard deviations).
        double sigma = Math.Sqrt(0.1 * 0.9 / rows);
        for (int tenth = 0; tenth < 10; tenth++)
        {
            double share = drawn.Count(id => id * 10 / vocabulary == tenth) / (double)rows;
            Assert.InRange(share, 0.1 - 5 * sigma, 0.1 + 5 * sigma);
        }
        Assert.True(drawn.Distinct().Count() > rows * 0.9, "a flat draw over 151,936 ids should rarely repeat an id");
    }

    [Fact]
    public void RoundingOfTheProbabilitiesRarelyMovesTheDraw()
    {
        // The reason for Gumbel-max: a row computed in another batch rounds differently, and the draw should follow the
        // row, not its rounding. Relative noise of 1e-6 on a nearly flat distribution over 151,936 ids.
        using var scope = torch.NewDisposeScope();
        const int rows = 64, vocabulary = 151_936;
        var probabilities = (torch.randn([rows, vocabulary], generator: new torch.Generator(1)) * 0.1).softmax(-1);
        var noise = 1 + torch.randn([rows, vocabulary], generator: new torch.Generator(2)) * 1e-6;
        var perturbed = probabilities * noise;

        using var first = new torch.Generator(23);
        using var second = new torch.Generator(23);
        var a = GumbelMaxDraw.Draw(probabilities, first).data<long>().ToArray();
        var b = GumbelMaxDraw.Draw(perturbed, second).data<long>().ToArray();
        Assert.True(a.Zip(b).Count(pair => pair.First != pair.Second) <= 1, $"{a.Zip(b).Count(pair => pair.First != pair.Second)} of {rows} draws moved");
    }

    [Fact]
    public void TheSameSeedDrawsTheSameIdsAndAnotherSeedOthers()
    {
        using var scope = torch.NewDisposeScope();
        var probabilities = (torch.randn([32, 5_000], generator: new torch.Generator(4)) * 0.5).softmax(-1);
        using var g1 = new torch.Generator(8);
        using var g2 = new torch.Generator(8);
        using var g3 = new torch.Generator(9);
        var a = GumbelMaxDraw.Draw(probabilities, g1).data<long>().ToArray();
        Assert.Equal(a, GumbelMaxDraw.Draw(probabilities, g2).data<long>().ToArray());
        Assert.NotEqual(a, GumbelMaxDraw.Draw(probabilities, g3).data<long>().ToArray());
    }

    [Theory]
    [InlineData(float.NaN, "negative, infinite or NaN")]
    [InlineData(-0.5f, "negative, infinite or NaN")]
    [InlineData(float.PositiveInfinity, "negative, infinite or NaN")]
    [InlineData(0f, "no positive entry")]
    public void ABadRowIsRefusedByNumber(float value, string expected)
    {
        using var scope = torch.NewDisposeScope();
        var probabilities = torch.full([3, 40], 0.025f);
        probabilities[1] = torch.zeros(40);
        probabilities[1, 7] = torch.tensor(value);
        using var generator = new torch.Generator(1);
        var error = Assert.Throws<ArgumentException>(() => GumbelMaxDraw.Draw(probabilities, generator));
        Assert.Contains("row 1", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void OtherDtypesGoToLibtorchsMultinomial()
    {
        using var scope = torch.NewDisposeScope();
        var probabilities = torch.zeros([6, 10], ScalarType.Float64);
        probabilities[.., 4] = torch.tensor(1.0, ScalarType.Float64);
        using var generator = new torch.Generator(1);
        var drawn = GumbelMaxDraw.Draw(probabilities, generator);
        Assert.Equal(ScalarType.Int64, drawn.dtype);
        Assert.All(drawn.data<long>().ToArray(), id => Assert.Equal(4L, id));
    }

    [Fact]
    public void UniformsStayInsideTheOpenInterval()
    {
        for (long i = 0; i < 10_000; i++)
        {
            double u = GumbelMaxDraw.Uniform(0xDEADBEEFUL, i);
            Assert.True(u > 0 && u < 1, $"U_{i} = {u}");
        }
        Assert.True(GumbelMaxDraw.Uniform(ulong.MaxValue, long.MaxValue) is > 0 and < 1);
    }
}
