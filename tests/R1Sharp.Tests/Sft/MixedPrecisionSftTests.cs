using R1Sharp.Models;
using R1Sharp.Tests.Models;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.LanguageModeling;
using R1Sharp.Training.Sft;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Sft;

public class MixedPrecisionSftTests
{
    private static SftOptions Options(string output, bool bf16) => new()
    {
        OutputDirectory = output,
        Epochs = 2,
        LearningRate = 3e-3,
        WarmupRatio = 0.1,
        BatchSize = 2,
        GradientAccumulationSteps = 2,
        MaxLength = 128,
        ValidationFraction = 0.125,
        EvalSteps = 0,
        SaveSteps = 0,
        Bf16 = bf16,
    };

    private static async Task<(SftRunResult Result, CausalLanguageModel Model)> Train(bool bf16)
    {
        var options = Options(SftTestData.TempDirectory(), bf16);
        var tokenizer = new CharacterTokenizer();
        var data = SftDataset.Build(SftTestData.Arithmetic(32), new AssistantLossMask(tokenizer, new ChatMarkupRenderer()), options);
        var model = CausalLanguageModel.Create(TestModels.SmallConfig(TestModels.Qwen) with { VocabSize = tokenizer.VocabSize }, CPU, ScalarType.Float32, 4);
        using var mixed = bf16 ? new MixedPrecisionModel(model) : null;
        var result = await new SftTrainer(new CausalLanguageModelTrainer(model, null, mixed: mixed), data, options, tokenizer.PadId, CPU).TrainAsync();
        return (result, model);
    }

    [Fact]
    public async Task Bf16SftTrainsFloat32MastersToTheLossOfAnFp32Run()
    {
        var (fp32, fp32Model) = await Train(bf16: false);
        var (bf16, bf16Model) = await Train(bf16: true);
        using (fp32Model)
        using (bf16Model)
        {
            Assert.True(bf16.LastLoss < bf16.FirstLoss, $"bf16 loss {bf16.FirstLoss} -> {bf16.LastLoss}");
            double drop = fp32.FirstLoss!.Value - fp32.LastLoss!.Value;
            Assert.True(Math.Abs(bf16.LastLoss!.Value - fp32.LastLoss.Value) < 0.2 * drop, $"bf16 {bf16.LastLoss} vs fp32 {fp32.LastLoss} (drop {drop})");
            Assert.All(bf16Model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        }
    }

    [Fact]
    public void Bf16WithLoraIsRefusedUnderBothKeys()
    {
        var error = Assert.Throws<ConfigurationException>(() => (Options("out", bf16: true) with { UsePeft = true }).Validate());
        Assert.Contains("bf16", error.Message, StringComparison.Ordinal);
        Assert.Contains("use_peft", error.Message, StringComparison.Ordinal);
    }
}
