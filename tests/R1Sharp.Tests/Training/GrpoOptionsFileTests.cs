using R1Sharp.Training.Configuration;
using R1Sharp.Training.Grpo;

namespace R1Sharp.Tests.Training;

public sealed class GrpoOptionsFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-grpo-config").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task YamlFileAndOverridesAreApplied()
    {
        string path = Write("c.yaml", "num_generations: 4\nloss_type: dr_grpo\nepsilon: 0.1\nepsilon_high: 0.28\nscale_rewards: none\nreward_weights:\n  accuracy: 1.0\n  format: 0.2\n");
        var options = await GrpoOptionsFile.LoadAsync(path, ["beta=0", "lr_scheduler_type=cosine"]);
        Assert.Equal(4, options.NumGenerations);
        Assert.Equal(GrpoLossType.DrGrpo, options.LossType);
        Assert.Equal(0.1, options.EpsilonLow);
        Assert.Equal(0.28, options.EpsilonHigh);
        Assert.Equal(AdvantageScaling.None, options.ScaleRewards);
        Assert.Equal(0.2, options.RewardWeights["format"]);
        Assert.Equal(0, options.Beta);
        Assert.Equal(LearningRateScheduleKind.Cosine, options.LrSchedulerType);
    }

    [Fact]
    public async Task SavedConfigLoadsBackEqual()
    {
        var original = new GrpoOptions { NumGenerations = 6, LearningRate = 1e-3, Dtype = TrainingPrecision.Bf16 };
        string path = Path.Combine(_dir, "saved.json");
        await GrpoOptionsFile.SaveAsync(original, path);
        var loaded = await GrpoOptionsFile.LoadAsync(path);
        Assert.Equal(original with { RewardWeights = loaded.RewardWeights, Tools = loaded.Tools }, loaded); // collections compare by reference
        Assert.Equal(original.Tools, loaded.Tools);
    }

    [Theory]
    [InlineData("num_generations=1", "num_generations")]
    [InlineData("temperature=0", "temperature")]
    [InlineData("top_p=1.5", "top_p")]
    [InlineData("epsilon=-0.1", "epsilon")]
    [InlineData("learning_rate=-1", "learning_rate")]
    [InlineData("max_seconds=-1", "max_seconds")]
    [InlineData("loss_type=ppo", "loss_type")]
    [InlineData("num_generations=many", "num_generations")]
    [InlineData("mask_truncated_completions=yes", "mask_truncated_completions")]
    [InlineData("no_such_option=1", "no_such_option")]
    public async Task BadValuesAreRejectedWithTheOptionName(string pair, string name)
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => GrpoOptionsFile.LoadAsync(null, [pair]));
        Assert.Contains(name, error.Message);
    }

    [Fact]
    public async Task BadFileNamesFileAndLine()
    {
        string path = Write("bad.yaml", "num_generations: 4\n  beta: [\n");
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => GrpoOptionsFile.LoadAsync(path));
        Assert.Contains("bad.yaml", error.Message);
        Assert.Contains("line", error.Message);
        string json = Write("bad.json", "{\"beta\": \"high\"}");
        var jsonError = await Assert.ThrowsAsync<ConfigurationException>(() => GrpoOptionsFile.LoadAsync(json));
        Assert.Contains("beta", jsonError.Message);
        Assert.Contains("bad.json", jsonError.Message);
    }
}
