using System.Text.Json;
using System.Text.Json.Nodes;
using R1Sharp.Models;

namespace R1Sharp.Tests.Models;

public class ModelConfigTests
{
    [Theory]
    [InlineData(TestModels.Qwen)]
    [InlineData(TestModels.DistillQwen)]
    [InlineData(TestModels.Llama)]
    [InlineData("DeepSeek-R1-Distill-Llama-8B")]
    [InlineData("Qwen2.5-7B-Instruct")]
    public void RealConfigsParseToTheirFileValues(string name)
    {
        string path = TestModels.ConfigPath(name);
        var config = ModelConfig.Load(path);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        Assert.Equal(root.GetProperty("model_type").GetString(), config.ModelType);
        Assert.Equal(root.GetProperty("hidden_size").GetInt32(), config.HiddenSize);
        Assert.Equal(root.GetProperty("num_hidden_layers").GetInt32(), config.NumHiddenLayers);
        Assert.Equal(root.GetProperty("num_key_value_heads").GetInt32(), config.NumKeyValueHeads);
        Assert.Equal(root.GetProperty("vocab_size").GetInt32(), config.VocabSize);
        Assert.Equal(root.GetProperty("rope_theta").GetDouble(), config.RopeTheta);
        Assert.Equal(root.GetProperty("tie_word_embeddings").GetBoolean(), config.TieWordEmbeddings);
        var eos = root.GetProperty("eos_token_id");
        int[] expectedEos = eos.ValueKind == JsonValueKind.Array ? eos.EnumerateArray().Select(e => e.GetInt32()).ToArray() : [eos.GetInt32()];
        Assert.Equal(expectedEos, config.EosTokenIds);
        Assert.Equal(config.HiddenSize, config.HeadDim * config.NumAttentionHeads);
    }

    [Fact]
    public void LlamaRopeScalingIsRead()
    {
        var config = ModelConfig.Load(TestModels.ConfigPath(TestModels.Llama));
        using var doc = JsonDocument.Parse(File.ReadAllText(TestModels.ConfigPath(TestModels.Llama)));
        var scaling = doc.RootElement.GetProperty("rope_scaling");
        Assert.NotNull(config.RopeScaling);
        Assert.Equal(scaling.GetProperty("factor").GetDouble(), config.RopeScaling!.Factor);
        Assert.Equal(scaling.GetProperty("original_max_position_embeddings").GetInt32(), config.RopeScaling.OriginalMaxPositionEmbeddings);
    }

    [Theory]
    [InlineData("hidden_size")]
    [InlineData("vocab_size")]
    [InlineData("num_hidden_layers")]
    public void MissingFieldErrorNamesFieldAndFile(string field)
    {
        var json = JsonNode.Parse(File.ReadAllText(TestModels.ConfigPath(TestModels.Qwen)))!.AsObject();
        json.Remove(field);
        var e = Assert.Throws<InvalidDataException>(() => ModelConfig.Parse(json.ToJsonString(), "my/config.json"));
        Assert.Contains(field, e.Message);
        Assert.Contains("my/config.json", e.Message);
    }

    [Fact]
    public void InvalidValueErrorNamesField()
    {
        var json = JsonNode.Parse(File.ReadAllText(TestModels.ConfigPath(TestModels.Qwen)))!.AsObject();
        json["num_key_value_heads"] = "two";
        var e = Assert.Throws<InvalidDataException>(() => ModelConfig.Parse(json.ToJsonString(), "x.json"));
        Assert.Contains("num_key_value_heads", e.Message);
        json["num_key_value_heads"] = 3; // 14 heads are not divisible by 3
        e = Assert.Throws<InvalidDataException>(() => ModelConfig.Parse(json.ToJsonString(), "x.json"));
        Assert.Contains("num_key_value_heads", e.Message);
    }

    [Fact]
    public void UnknownRopeTypeIsRejectedByName()
    {
        var json = JsonNode.Parse(File.ReadAllText(TestModels.ConfigPath(TestModels.Llama)))!.AsObject();
        json["rope_scaling"]!["rope_type"] = "yarn";
        var e = Assert.Throws<InvalidDataException>(() => ModelConfig.Parse(json.ToJsonString(), "llama/config.json"));
        Assert.Contains("rope_scaling.rope_type", e.Message);
        Assert.Contains("yarn", e.Message);
        Assert.Contains("llama/config.json", e.Message);
    }

    [Fact]
    public void UnsupportedModelTypeIsRejected()
    {
        var json = JsonNode.Parse(File.ReadAllText(TestModels.ConfigPath(TestModels.Qwen)))!.AsObject();
        json["model_type"] = "mistral";
        var e = Assert.Throws<InvalidDataException>(() => ModelConfig.Parse(json.ToJsonString(), "c.json"));
        Assert.Contains("model_type", e.Message);
    }

    [Fact]
    public void SaveRoundTripsEveryKeyIncludingUnknownOnes()
    {
        string path = TestModels.ConfigPath(TestModels.DistillQwen);
        var original = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var config = ModelConfig.Load(path);
        string dir = Directory.CreateTempSubdirectory("r1cfg").FullName;
        try
        {
            string saved = Path.Combine(dir, "config.json");
            config.Save(saved);
            var written = JsonNode.Parse(File.ReadAllText(saved))!.AsObject();
            foreach (var (key, value) in original)
            {
                Assert.True(written.ContainsKey(key), $"key {key} lost");
                if (value is JsonValue v && v.TryGetValue(out double d))
                    Assert.Equal(d, written[key]!.GetValue<double>());
                else
                    Assert.True(JsonNode.DeepEquals(value, written[key]), $"key {key}: {value?.ToJsonString()} vs {written[key]?.ToJsonString()}");
            }
            Assert.Equal(config.ToJson(), ModelConfig.Load(saved).ToJson());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void ScaledKeepsArchitectureAndChangesShape()
    {
        var real = ModelConfig.Load(TestModels.ConfigPath(TestModels.Llama));
        var small = real.Scaled(layers: 3, hidden: 96, heads: 6, kvHeads: 2, vocab: 500);
        Assert.Equal(real.ModelType, small.ModelType);
        Assert.Equal(real.RopeScaling, small.RopeScaling);
        Assert.Equal(3, small.NumHiddenLayers);
        Assert.Equal(16, small.HeadDim);
        Assert.Equal(3, small.QueryGroupSize);
        Assert.Throws<ArgumentException>(() => real.Scaled(hidden: 100, heads: 3));
        var qwen = ModelConfig.Load(TestModels.ConfigPath("DeepSeek-R1-Distill-Qwen-1.5B-resaved")).Scaled(layers: 2);
        Assert.Equal(2, qwen.AdditionalFields["layer_types"]!.AsArray().Count);
    }
}
