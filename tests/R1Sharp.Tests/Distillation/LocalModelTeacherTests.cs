using R1Sharp.Distillation;
using R1Sharp.Evaluation.Backends;
using R1Sharp.Models;
using R1Sharp.Tests.Models;
using R1Sharp.Tests.Text.Tokenization;
using R1Sharp.Text.Tokenization;
using R1Sharp.Training.Sft;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Distillation;

public class LocalModelTeacherTests
{
    [Fact]
    public async Task SamplesNResponsesFromTheInProcessModelWithinTheTokenLimit()
    {
        var tokenizer = HuggingFaceTokenizer.Load(TokenizerFixtureFiles.QwenSlowDir);
        var config = ModelConfig.Load(TestModels.ConfigPath(TestModels.Qwen))
            .Scaled(layers: 1, hidden: 16, heads: 2, kvHeads: 1, intermediate: 32, vocab: tokenizer.VocabSize);
        using var model = CausalLanguageModel.Create(config, CPU, ScalarType.Float32, seed: 3);
        var teacher = new LocalModelTeacher(model, tokenizer, new ChatMarkupRenderer(), "tiny");
        var request = new CompletionRequest([new PromptMessage("user", "What is 2+2?")], 3,
            new SamplingParameters { Temperature = 1.0, TopP = 1.0, MaxTokens = 6, Seed = 5 });

        var completions = await teacher.CompleteAsync(request);

        Assert.Equal(3, completions.Count);
        Assert.All(completions, c =>
        {
            Assert.Null(c.Error);
            Assert.NotNull(c.Text);
            Assert.InRange(c.CompletionTokens!.Value, 1, 6);
            Assert.True(c.FinishReason == "stop" || (c.FinishReason == "length" && c.CompletionTokens == 6), c.FinishReason);
        });
        // Same seed, same samples: the in-process teacher is reproducible.
        var again = await teacher.CompleteAsync(request);
        Assert.Equal(completions.Select(c => c.Text), again.Select(c => c.Text));
    }
}
