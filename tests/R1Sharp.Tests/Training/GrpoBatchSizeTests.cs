using R1Sharp.Training.Configuration;
using R1Sharp.Training.Grpo;

namespace R1Sharp.Tests.Training;

/// <summary>per_device_train_batch_size and gradient_accumulation_steps, as TRL users set them (issue 15 #4).</summary>
public sealed class GrpoBatchSizeTests
{
    [Theory]
    [InlineData(null, null, 16)] // default: 16 micro-batches of 8 (16 prompts × 8 completions)
    [InlineData(4, null, 32)] // 128 completions, 4 at a time
    [InlineData(5, null, 26)] // the last micro-batch holds the 3 left over
    [InlineData(null, 4, 4)]
    [InlineData(16, 8, 8)] // both, consistent: 16 × 8 = 128
    [InlineData(1000, null, 1)] // larger than the step: one micro-batch
    public void MicroBatchesFollowTheKeyThatIsSet(int? perDevice, int? accumulation, int expected)
    {
        var options = new GrpoOptions { PerDeviceTrainBatchSize = perDevice, GradientAccumulationSteps = accumulation };
        Assert.Empty(GrpoOptionsValidator.Problems(options));
        Assert.Equal(expected, options.MicroBatchCount());
        var split = MicroBatches.Split(options.PromptsPerStep * options.NumGenerations, options.MicroBatchCount());
        Assert.Equal(128, split.Sum(b => b.End - b.Start));
        if (perDevice is int size) Assert.All(split, b => Assert.True(b.End - b.Start <= size));
    }

    [Fact]
    public async Task BothKeysMustMultiplyToTheStepsCompletions()
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(() =>
            GrpoOptionsFile.LoadAsync(null, ["per_device_train_batch_size=4", "gradient_accumulation_steps=8"]));
        Assert.Contains("per_device_train_batch_size: 4 × gradient_accumulation_steps 8 = 32 completions", error.Message);
        Assert.Contains("set prompts_per_step to 4", error.Message);
        var fixedUp = await GrpoOptionsFile.LoadAsync(null, ["per_device_train_batch_size=4", "gradient_accumulation_steps=8", "prompts_per_step=4"]);
        Assert.Equal(8, fixedUp.MicroBatchCount());
    }

    [Fact]
    public async Task ZeroOrNegativeSizesAreRefusedByKey()
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => GrpoOptionsFile.LoadAsync(null, ["per_device_train_batch_size=0"]));
        Assert.Contains("per_device_train_batch_size: must be at least 1 (got 0)", error.Message);
        error = await Assert.ThrowsAsync<ConfigurationException>(() => GrpoOptionsFile.LoadAsync(null, ["gradient_accumulation_steps=-2"]));
        Assert.Contains("gradient_accumulation_steps: must be at least 1 (got -2)", error.Message);
    }
}
