using System.Diagnostics;
using System.Text;
using System.Text.Json;
using R1Sharp.Checkpoints;
using R1Sharp.Models;
using R1Sharp.Serving;
using R1Sharp.Serving.Http;
using TorchSharp;

namespace R1Sharp.Bench;

/// <summary>
/// `r1 serve` throughput with 1, 8 and 32 concurrent clients on one model: what continuous batching buys. Each client
/// sends completion requests back to back (max_tokens fixed, sampling at temperature 1); throughput = completion
/// tokens / wall time. The model is Qwen2.5-0.5B's architecture and real vocabulary, scaled down in depth and width
/// so the whole run takes a couple of minutes on 2 cores; the tokenizer is the real Qwen2.5 one.
/// </summary>
internal static class ServeThroughput
{
    public static async Task<int> RunAsync(string[] args)
    {
        string shared = args.Length > 0 ? args[0] : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/data"));
        int threads = args.Length > 1 ? int.Parse(args[1]) : 2;
        int maxTokens = args.Length > 2 ? int.Parse(args[2]) : 32;
        torch.set_num_threads(threads);

        string dir = Directory.CreateTempSubdirectory("r1-serve-bench-").FullName;
        try
        {
            var config = ModelConfig.Load(Path.Combine(shared, "hf", "Qwen2.5-0.5B-Instruct", "config.json"))
                .Scaled(layers: 6, hidden: 384, heads: 6, kvHeads: 2, intermediate: 1024);
            using (var model = CausalLanguageModel.Create(config, torch.CPU, torch.ScalarType.Float32, seed: 1))
            {
                HuggingFaceCheckpoint.Save(model, config, dir);
                Console.WriteLine($"model: Qwen2.5-0.5B architecture scaled to 6 layers x 384, vocab {config.VocabSize}: {model.ParameterCount / 1e6:F1}M parameters, fp32, {threads} threads");
            }
            foreach (string file in new[] { "vocab.json", "merges.txt", "tokenizer_config.json" })
                File.Copy(Path.Combine(shared, "hf", "Qwen2.5-7B-Instruct", file), Path.Combine(dir, file));

            var options = new ServeOptions { Port = 0, ModelName = "bench", MaxBatch = 32, ContextLength = 512 };
            var served = ServedModelLoader.Load(dir, torch.CPU, null, options);
            await using var engine = served.Engine;
            await using var server = await OpenAiServer.StartAsync(served, options);
            using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };

            await Measure(client, clients: 1, requestsEach: 1, maxTokens); // warm-up
            var results = new List<(int Clients, double TokensPerSecond, double Seconds)>();
            foreach (var (clients, each) in new[] { (1, 4), (8, 2), (32, 1) })
            {
                var (tokens, seconds) = await Measure(client, clients, each, maxTokens);
                results.Add((clients, tokens / seconds, seconds));
                Console.WriteLine($"{clients,3} concurrent clients: {tokens} tokens in {seconds:F1} s = {tokens / seconds:F1} tokens/s");
            }
            double single = results[0].TokensPerSecond;
            foreach (var r in results)
                Console.WriteLine($"{r.Clients,3} clients: {r.TokensPerSecond / single:F2}x the throughput of 1 client");
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<(int Tokens, double Seconds)> Measure(HttpClient client, int clients, int requestsEach, int maxTokens)
    {
        var watch = Stopwatch.StartNew();
        var work = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            int tokens = 0;
            for (int r = 0; r < requestsEach; r++)
            {
                string body = JsonSerializer.Serialize(new { prompt = $"Client {c} request {r}: count to ten.", max_tokens = maxTokens, temperature = 1.0, seed = c * 100 + r });
                var response = await client.PostAsync("v1/completions", new StringContent(body, Encoding.UTF8, "application/json"));
                if (!response.IsSuccessStatusCode)
                    throw new HttpRequestException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                tokens += json.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32();
            }
            return tokens;
        })).ToArray();
        int total = (await Task.WhenAll(work)).Sum();
        return (total, watch.Elapsed.TotalSeconds);
    }
}
