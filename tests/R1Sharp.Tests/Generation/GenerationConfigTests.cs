using System.Text.Json.Nodes;
using R1Sharp.Generation;
using R1Sharp.Tests.Checkpoints;
using R1Sharp.Tests.Models;

namespace R1Sharp.Tests.Generation;

public class GenerationConfigTests
{
    [Theory]
    [InlineData(TestModels.Qwen)]
    [InlineData(TestModels.Llama)]
    [InlineData(TestModels.DistillQwen)]
    public void RealFilesRoundTrip(string name)
    {
        string path = R1Sharp.Testing.SharedData.Path("hf", name, "generation_config.json");
        var original = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var config = GenerationConfig.Load(path);
        using var dir = new TempDirectory();
        config.Save(dir.Combine("generation_config.json"));
        var written = JsonNode.Parse(File.ReadAllText(dir.Combine("generation_config.json")))!.AsObject();
        foreach (var (key, value) in original)
        {
            Assert.True(written.ContainsKey(key), key);
            if (value is JsonValue v && v.TryGetValue(out double d)) Assert.Equal(d, written[key]!.GetValue<double>());
            else Assert.True(JsonNode.DeepEquals(value, written[key]), key);
        }
        if (original["temperature"] is JsonNode t) Assert.Equal(t.GetValue<double>(), config.Temperature);
    }

    [Fact]
    public void ApplyToTakesTheFilesSettings()
    {
        var config = GenerationConfig.Parse("""{"do_sample": true, "eos_token_id": [5, 6], "temperature": 0.6, "top_p": 0.9, "top_k": 20}""", "g.json");
        var options = config.ApplyTo(new SamplingOptions { MaxNewTokens = 10 });
        Assert.Equal([5, 6], options.EosIds);
        Assert.Equal(0.6, options.Temperature);
        Assert.Equal(0.9, options.TopP);
        Assert.Equal(20, options.TopK);
        Assert.Equal(10, options.MaxNewTokens);
        var greedy = GenerationConfig.Parse("""{"do_sample": false, "temperature": 0.6}""", "g.json").ApplyTo(new SamplingOptions());
        Assert.True(greedy.IsGreedy);
    }

    [Fact]
    public void BadFieldIsNamed()
    {
        var e = Assert.Throws<InvalidDataException>(() => GenerationConfig.Parse("""{"top_p": 1.5}""", "gen.json"));
        Assert.Contains("top_p", e.Message);
        Assert.Contains("gen.json", e.Message);
        e = Assert.Throws<InvalidDataException>(() => GenerationConfig.Parse("""{"eos_token_id": "x"}""", "gen.json"));
        Assert.Contains("eos_token_id", e.Message);
    }
}
