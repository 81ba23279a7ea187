using LLama;
using Xunit.Abstractions;
using LLama.Common;
using LLama.Native;
using R1Sharp.Gguf;
using R1Sharp.Tests.Models;
using R1Sharp.Tests.Text.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Gguf;

/// <summary>Exported GGUF files loaded by llama.cpp (LLamaSharp) give the same next-token logits as our model.</summary>
public sealed class GgufExportTests(ITestOutputHelper output)
{
    private static readonly long[] Prompt = [5, 17, 92, 94, 40, 3, 60, 93, 12, 33, 70, 1];

    [Theory]
    [InlineData(TestModels.Qwen, GgufTensorType.F32, 1e-3)]
    [InlineData(TestModels.Llama, GgufTensorType.F32, 1e-3)]
    [InlineData(TestModels.DistillQwen, GgufTensorType.F16, 2e-2)]
    [InlineData(TestModels.Qwen, GgufTensorType.BF16, 5e-2)]
    [InlineData(TestModels.Qwen3, GgufTensorType.F32, 1e-4)]
    [InlineData(TestModels.Qwen3Moe, GgufTensorType.F32, 1e-4)]
    [InlineData(TestModels.DeepseekV3, GgufTensorType.F32, 1e-4)]
    public void LlamaCppGivesOurLogits(string config, GgufTensorType type, double tolerance)
    {
        using var model = TestModels.Small(config, seed: 7);
        using (torch.no_grad()) DeepseekV3ModelTests.RandomiseSelectionBias(model); // no-op for the other architectures
        bool llama = model.Config.ModelType == "llama";
        string path = Path.Combine(TokenizerFixtureFiles.NewTempDir("gguf"), "model.gguf");
        GgufExporter.Export(model, GgufTestFiles.Tokenizer(llama), path, new GgufExportOptions { Type = type });

        float[,] ours;
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            var logits = model.Forward(TestModels.Ids(Prompt)).to(ScalarType.Float32)[0];
            ours = new float[Prompt.Length, logits.shape[1]];
            var flat = logits.data<float>().ToArray();
            for (int t = 0; t < Prompt.Length; t++)
                for (int v = 0; v < logits.shape[1]; v++) ours[t, v] = flat[t * logits.shape[1] + v];
        }

        var theirs = LlamaCppLogits(path, Prompt);
        double maxDiff = 0, maxAbs = 0;
        for (int t = 0; t < Prompt.Length; t++)
        {
            for (int v = 0; v < ours.GetLength(1); v++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(ours[t, v] - theirs[t][v]));
                maxAbs = Math.Max(maxAbs, Math.Abs(ours[t, v]));
            }
        }
        output.WriteLine($"{config} {type}: max |ours - llama.cpp| / max |logit| = {maxDiff / maxAbs:E2}");
        Assert.True(maxAbs > 0.1, "logits are expected to be far from zero");
        Assert.True(maxDiff / maxAbs < tolerance, $"max |ours - llama.cpp| = {maxDiff} relative to max |logit| {maxAbs}: {maxDiff / maxAbs:E2}");
    }

    [Fact]
    public void FileStartsWithTheGgufV3HeaderAndKeepsNoTemporaryFile()
    {
        using var model = TestModels.Small(TestModels.Qwen);
        string dir = TokenizerFixtureFiles.NewTempDir("gguf-header");
        string path = Path.Combine(dir, "m.gguf");
        GgufExporter.Export(model, GgufTestFiles.Tokenizer(llama: false), path);
        using var reader = new BinaryReader(File.OpenRead(path));
        Assert.Equal("GGUF"u8.ToArray(), reader.ReadBytes(4));
        Assert.Equal(3u, reader.ReadUInt32());
        Assert.Equal(model.state_dict().Count, (int)reader.ReadUInt64());
        Assert.Single(Directory.GetFiles(dir));
    }

    [Fact]
    public void TokenizerLargerThanTheModelVocabularyIsRefused()
    {
        using var model = TestModels.Small(TestModels.Qwen);
        string path = Path.Combine(TokenizerFixtureFiles.NewTempDir("gguf-big"), "m.gguf");
        var error = Assert.Throws<ArgumentException>(() => GgufExporter.Export(model, LoadedTokenizers.QwenSlow, path));
        Assert.Contains("151665", error.Message);
        Assert.False(File.Exists(path));
    }

    private static List<float[]> LlamaCppLogits(string path, long[] prompt)
    {
        // An F32 KV cache and no flash attention: llama.cpp's defaults (F16 cache) would add ~1e-3 of rounding.
        var parameters = new ModelParams(path)
        {
            ContextSize = 64,
            GpuLayerCount = 0,
            Threads = 2,
            BatchSize = 64,
            TypeK = GGMLType.GGML_TYPE_F32,
            TypeV = GGMLType.GGML_TYPE_F32,
            FlashAttention = false,
        };
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        var batch = new LLamaBatch();
        for (int i = 0; i < prompt.Length; i++) batch.Add((int)prompt[i], i, LLamaSeqId.Zero, true);
        var result = context.NativeHandle.Decode(batch);
        Assert.Equal(DecodeResult.Ok, result);
        var rows = new List<float[]>();
        for (int i = 0; i < prompt.Length; i++) rows.Add(context.NativeHandle.GetLogitsIth(i).ToArray());
        return rows;
    }
}
