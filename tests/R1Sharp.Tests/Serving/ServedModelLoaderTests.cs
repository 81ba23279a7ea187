using System.Net;
using System.Text;
using System.Text.Json;
using R1Sharp.Checkpoints;
using R1Sharp.Generation;
using R1Sharp.Models;
using R1Sharp.Models.Lora;
using R1Sharp.Serving;
using R1Sharp.Serving.Http;
using R1Sharp.Testing;
using R1Sharp.Tests.Models;
using R1Sharp.Text.Templates;
using R1Sharp.Text.Tokenization;
using TorchSharp;

namespace R1Sharp.Tests.Serving;

public sealed class ServedModelLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-serve-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A random tiny Qwen2.5-shaped checkpoint with the real Qwen2.5 tokenizer files and chat template.</summary>
    private string Checkpoint(string name, long seed, string architecture = "Qwen2.5-0.5B-Instruct")
    {
        string dir = Path.Combine(_dir, name);
        var config = ModelConfig.Load(SharedData.Path("hf", architecture, "config.json"))
            .Scaled(layers: 1, hidden: 32, heads: 2, kvHeads: 1, intermediate: 64) with
        { InitializerRange = 0.2 };
        using var model = CausalLanguageModel.Create(config, torch.CPU, torch.ScalarType.Float32, seed);
        HuggingFaceCheckpoint.Save(model, config, dir);
        foreach (string file in new[] { "vocab.json", "merges.txt", "tokenizer_config.json" })
            File.Copy(SharedData.Path("hf", "Qwen2.5-7B-Instruct", file), Path.Combine(dir, file));
        return dir;
    }

    [Theory]
    [InlineData("Qwen3-0.6B")]      // q_norm/k_norm, head_dim 128 over a 32-wide stream
    [InlineData("Qwen3-30B-A3B")]   // sparse MoE blocks
    public async Task ServesQwen3CheckpointsAsTheyRunInProcess(string architecture)
    {
        string dir = Checkpoint(architecture, seed: 5, architecture);
        var options = new ServeOptions { Port = 0, ModelName = "qwen3-tiny", ContextLength = 256 };
        var served = ServedModelLoader.Load(dir, torch.CPU, null, options);
        await using (served.Engine)
        await using (var server = await OpenAiServer.StartAsync(served, options))
        {
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            Assert.Equal(InProcessGreedy(dir, "What is 3 + 4?", 8), await Ask(client, "What is 3 + 4?", 8));
        }
    }

    [Fact]
    public async Task ServesDeepseekV3AsItRunsInProcess()
    {
        // MLA + routed/shared experts (TestModels' scaled DeepSeek-V3), with the vocabulary widened to Qwen2.5's
        // tokenizer, whose files the served folder carries.
        string dir = Path.Combine(_dir, "deepseek-v3");
        var config = TestModels.SmallConfig(TestModels.DeepseekV3) with { VocabSize = 151936 };
        using (var model = CausalLanguageModel.Create(config, torch.CPU, torch.ScalarType.Float32, seed: 5))
            HuggingFaceCheckpoint.Save(model, config, dir);
        foreach (string file in new[] { "vocab.json", "merges.txt", "tokenizer_config.json" })
            File.Copy(SharedData.Path("hf", "Qwen2.5-7B-Instruct", file), Path.Combine(dir, file));
        var options = new ServeOptions { Port = 0, ModelName = "deepseek-tiny", ContextLength = 256 };
        var served = ServedModelLoader.Load(dir, torch.CPU, null, options);
        await using (served.Engine)
        await using (var server = await OpenAiServer.StartAsync(served, options))
        {
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            string expected = InProcessGreedy(dir, "What is 3 + 4?", 8);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, await Ask(client, "What is 3 + 4?", 8));
        }
    }

    /// <summary>An adapter on every projection of <paramref name="baseDir"/> with random (non-zero) A and B.</summary>
    private string Adapter(string baseDir, string name, long seed)
    {
        string dir = Path.Combine(_dir, name);
        var (model, _) = HuggingFaceCheckpoint.Load(baseDir, torch.CPU);
        using (model)
        using (var lora = LoraModel.Attach(model, new LoraOptions { Rank = 4, Alpha = 8, TargetModules = [LoraOptions.AllLinear] }, seed))
        {
            using (torch.no_grad())
            {
                var generator = new torch.Generator((ulong)seed);
                foreach (var p in lora.Parameters) p.copy_(torch.randn(p.shape, generator: generator) * 0.5);
            }
            PeftAdapterFiles.Save(lora, dir, baseDir);
        }
        return dir;
    }

    private static string InProcessGreedy(string dir, string question, int maxTokens, string? adapter = null)
    {
        var model = AdaptedCheckpoint.Load(dir, adapter, torch.CPU);
        using (model)
        {
            var tokenizer = HuggingFaceTokenizer.Load(dir);
            string prompt = ChatTemplate.Load(dir).Render([("user", question)], new ChatTemplateOptions { AddGenerationPrompt = true });
            var result = new BatchedGenerator(model).Generate([tokenizer.Encode(prompt)], new SamplingOptions { MaxNewTokens = maxTokens, Temperature = 0, EosIds = tokenizer.EosIds })[0];
            return tokenizer.Decode(result.Tokens, skipSpecialTokens: true);
        }
    }

    private static async Task<string> Ask(HttpClient client, string question, int maxTokens)
    {
        var body = JsonSerializer.Serialize(new { messages = new[] { new { role = "user", content = question } }, max_tokens = maxTokens, temperature = 0 });
        var response = await client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement
            .GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
    }

    [Fact]
    public async Task ServesARealCheckpointDirectoryAndReloadsNewWeights()
    {
        string first = Checkpoint("a", seed: 1);
        string second = Checkpoint("b", seed: 2);
        var options = new ServeOptions { Port = 0, ModelName = "qwen-tiny", ContextLength = 256 };
        var served = ServedModelLoader.Load(first, torch.CPU, null, options);
        await using (served.Engine)
        await using (var server = await OpenAiServer.StartAsync(served, options))
        {
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            Assert.Equal(InProcessGreedy(first, "What is 3 + 4?", 8), await Ask(client, "What is 3 + 4?", 8));

            var reload = await client.PostAsync("v1/reload", new StringContent(JsonSerializer.Serialize(new { path = second }), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
            Assert.Equal(InProcessGreedy(second, "What is 3 + 4?", 8), await Ask(client, "What is 3 + 4?", 8));

            var bad = await client.PostAsync("v1/reload", new StringContent("{\"path\": \"/nonexistent\"}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }
    }

    [Fact]
    public async Task ServesABaseWithAnUnmergedLoraAdapterAndReloadsAdaptersOntoTheBase()
    {
        string baseDir = Checkpoint("base", seed: 1);
        string first = Adapter(baseDir, "adapter-1", seed: 3);
        string second = Adapter(baseDir, "adapter-2", seed: 4);
        const string question = "What is 3 + 4?";
        string plain = InProcessGreedy(baseDir, question, 8);
        string withFirst = InProcessGreedy(baseDir, question, 8, first);
        string withSecond = InProcessGreedy(baseDir, question, 8, second);
        Assert.NotEqual(plain, withFirst); // the adapters change the model, so equality below means they were applied
        Assert.NotEqual(withFirst, withSecond);

        var options = new ServeOptions { Port = 0, ModelName = "qwen-tiny", ContextLength = 256 };
        var served = ServedModelLoader.Load(baseDir, torch.CPU, null, options, loraDirectory: first);
        await using (served.Engine)
        await using (var server = await OpenAiServer.StartAsync(served, options))
        {
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            Assert.Equal(withFirst, await Ask(client, question, 8));

            // What GRPO with LoRA and remote rollouts pushes: an adapter folder, attached to a fresh copy of the base.
            var reload = await client.PostAsync("v1/reload", new StringContent(JsonSerializer.Serialize(new { path = second }), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
            Assert.Equal(withSecond, await Ask(client, question, 8));

            reload = await client.PostAsync("v1/reload", new StringContent(JsonSerializer.Serialize(new { path = baseDir }), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
            Assert.Equal(plain, await Ask(client, question, 8));
        }
    }

    [Fact]
    public void AnAdapterForAnotherBaseShapeIsRefusedNamingTheTensor()
    {
        string baseDir = Checkpoint("base", seed: 1);
        string other = Path.Combine(_dir, "wide");
        var config = ModelConfig.Load(SharedData.Path("hf", "Qwen2.5-0.5B-Instruct", "config.json")).Scaled(layers: 1, hidden: 64, heads: 2, kvHeads: 1, intermediate: 64);
        using (var model = CausalLanguageModel.Create(config, torch.CPU, torch.ScalarType.Float32, 5)) HuggingFaceCheckpoint.Save(model, config, other);
        string adapter = Adapter(other, "wide-adapter", seed: 3);
        var e = Assert.Throws<InvalidDataException>(() => AdaptedCheckpoint.Load(baseDir, adapter, torch.CPU));
        Assert.Contains("lora_A.weight", e.Message);
        Assert.Throws<FileNotFoundException>(() => AdaptedCheckpoint.Load(baseDir, baseDir, torch.CPU));
    }
}
