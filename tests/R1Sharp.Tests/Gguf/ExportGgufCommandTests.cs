using R1Sharp.Checkpoints;
using R1Sharp.Cli.Commands;
using R1Sharp.Tests.Models;
using R1Sharp.Tests.Text.Tokenization;

namespace R1Sharp.Tests.Gguf;

public sealed class ExportGgufCommandTests
{
    [Fact]
    public void ExportsACheckpointDirectory()
    {
        string dir = TokenizerFixtureFiles.NewTempDir("export-cmd");
        using (var model = TestModels.Small(TestModels.Qwen))
            HuggingFaceCheckpoint.Save(model, model.Config, dir);
        var tokenizer = GgufTestFiles.Tokenizer(llama: false);
        tokenizer.SaveTokenizerJson(Path.Combine(dir, "tokenizer.json"));
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), """{"eos_token": "<|endoftext|>", "chat_template": "{{ messages[0].content }}"}""");
        string gguf = Path.Combine(dir, "out.gguf");
        var output = new StringWriter();
        var error = new StringWriter();

        int code = ExportGgufCommand.Run(dir, gguf, "f16", output, error);

        Assert.Equal(0, code);
        Assert.Contains("qwen2", output.ToString());
        using var reader = new BinaryReader(File.OpenRead(gguf));
        Assert.Equal("GGUF"u8.ToArray(), reader.ReadBytes(4));
        Assert.Contains("tensors", error.ToString());
    }

    [Fact]
    public void VerifyComparesAQwen3ExportWithLlamaCppOnItsLastLine()
    {
        string dir = TokenizerFixtureFiles.NewTempDir("export-verify");
        using (var model = TestModels.Small(TestModels.Qwen3, seed: 5))
        {
            Qwen3ModelTests.Randomize(model);
            HuggingFaceCheckpoint.Save(model, model.Config, dir);
        }
        GgufTestFiles.Tokenizer(llama: false).SaveTokenizerJson(Path.Combine(dir, "tokenizer.json"));
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), """{"eos_token": "<|endoftext|>"}""");
        var output = new StringWriter();
        var error = new StringWriter();

        int code = ExportGgufCommand.Run(dir, Path.Combine(dir, "out.gguf"), "f32", verify: true, output, error);

        Assert.True(code == 0, error.ToString());
        string last = output.ToString().TrimEnd().Split('\n')[^1];
        const string prefix = "max relative logit difference: ";
        Assert.StartsWith(prefix, last);
        Assert.Contains("qwen3", output.ToString());
        double difference = double.Parse(last[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(difference, 0, 1e-4);
    }

    [Fact]
    public void RelativeDifferenceIsTheLargestGapOverTheLargestLogit()
    {
        float[][] ours = [[1, -4], [2, 0.5f]];
        float[][] theirs = [[1.1f, -4], [2, 0.3f]];
        Assert.Equal(0.2 / 4, R1Sharp.Gguf.GgufReferenceLogits.MaxRelativeDifference(ours, theirs), 6);
        Assert.Throws<ArgumentException>(() => R1Sharp.Gguf.GgufReferenceLogits.MaxRelativeDifference(ours, theirs[..1]));
    }

    [Fact]
    public void UnknownTypeIsRejected()
    {
        var error = new StringWriter();
        Assert.Equal(2, ExportGgufCommand.Run("unused", "unused.gguf", "q4_0", new StringWriter(), error));
        Assert.Contains("q4_0", error.ToString());
    }

    [Fact]
    public void DirectoryWithoutWeightsIsAClearError()
    {
        string dir = TokenizerFixtureFiles.NewTempDir("export-noweights");
        GgufTestFiles.Tokenizer(llama: false).SaveTokenizerJson(Path.Combine(dir, "tokenizer.json"));
        var error = new StringWriter();
        Assert.Equal(2, ExportGgufCommand.Run(dir, Path.Combine(dir, "x.gguf"), "f32", new StringWriter(), error));
        Assert.Contains("config.json", error.ToString());
    }
}
