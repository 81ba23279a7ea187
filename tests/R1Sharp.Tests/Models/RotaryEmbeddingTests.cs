using R1Sharp.Models;
using TorchSharp;

namespace R1Sharp.Tests.Models;

public class RotaryEmbeddingTests
{
    [Fact]
    public void Llama3ScalingFollowsTheFormulaInEachBand()
    {
        var config = ModelConfig.Load(TestModels.ConfigPath(TestModels.Llama));
        var s = config.RopeScaling!;
        float[] scaled = RotaryEmbedding.InverseFrequencies(config);
        float[] plain = RotaryEmbedding.InverseFrequencies(config with { RopeScaling = null });
        double lowWavelength = s.OriginalMaxPositionEmbeddings / s.LowFreqFactor;
        double highWavelength = s.OriginalMaxPositionEmbeddings / s.HighFreqFactor;
        int high = 0, low = 0, medium = 0;
        for (int i = 0; i < plain.Length; i++)
        {
            double baseFreq = Math.Pow(config.RopeTheta, -2.0 * i / config.HeadDim);
            Assert.Equal(baseFreq, plain[i], baseFreq * 1e-5);
            double wavelength = 2 * Math.PI / baseFreq;
            double expected;
            if (wavelength < highWavelength) { expected = baseFreq; high++; }
            else if (wavelength > lowWavelength) { expected = baseFreq / s.Factor; low++; }
            else
            {
                double smooth = (s.OriginalMaxPositionEmbeddings / wavelength - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
                expected = (1 - smooth) * baseFreq / s.Factor + smooth * baseFreq;
                medium++;
            }
            Assert.Equal(expected, scaled[i], expected * 1e-5);
        }
        // The real Llama 3.2 config exercises all three bands.
        Assert.True(high > 0 && low > 0 && medium > 0, $"bands: high {high}, low {low}, medium {medium}");
        Assert.NotEqual(plain[^1], scaled[^1]);
        Assert.Equal(plain[0], scaled[0]);
    }

    [Fact]
    public void InverseFrequenciesAreNotPersisted()
    {
        using var model = TestModels.Small(TestModels.Llama);
        Assert.DoesNotContain(model.state_dict().Keys, k => k.Contains("inv_freq"));
        var table = model.Rotary.InverseFrequencyTable;
        Assert.Equal(model.Config.HeadDim / 2, (int)table.shape[0]);
        Assert.Equal(torch.ScalarType.Float32, table.dtype);
        Assert.Equal(RotaryEmbedding.InverseFrequencies(model.Config), table.data<float>().ToArray());
    }
}
