using System.Net.Http.Json;
using System.Text.Json;
using R1Sharp.Evaluation;
using R1Sharp.Models;
using R1Sharp.Serving;
using R1Sharp.Serving.Http;
using R1Sharp.Tasks;
using R1Sharp.Text.Templates;
using R1Sharp.Tools;
using R1Sharp.Training.Zero;
using R1Sharp.Training.Zero.Tools;
using TorchSharp;

namespace R1Sharp.Tests.Evaluation;

/// <summary>
/// Checkpoints of <c>r1 zero --tools</c> (issue 20): their extended task vocabulary is read from the checkpoint by
/// <c>r1 eval</c> and <c>r1 serve</c>, which prompt them with the R1-Zero template, and the calculator they were trained
/// with is an eval tool. A random model in the same layout stands in for a trained one.
/// </summary>
public sealed class ZeroToolsCheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-zerotools-ckpt-").FullName;
    private readonly TaskTokenizer _tokenizer = ZeroToolCalls.CreateTokenizer();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> WriteCheckpointAsync(bool callsTheCalculator = false)
    {
        string checkpoint = Path.Combine(_dir, "zt");
        var config = BuiltInModel.Config(new ZeroModelShape(Hidden: 32, Layers: 1, Heads: 2, KvHeads: 1, Intermediate: 64), _tokenizer);
        if (callsTheCalculator) config = config with { TieWordEmbeddings = false };
        using var model = CausalLanguageModel.Create(config, torch.CPU, torch.ScalarType.Float32, seed: 11);
        if (callsTheCalculator) WireToCallTheCalculator(model);
        await BuiltInModel.Checkpoint(model, _tokenizer).SaveAsync(checkpoint, CancellationToken.None);
        return checkpoint;
    }

    // A bigram model by construction: with the attention and MLP outputs zeroed, the last hidden state is the last
    // token's embedding, so one-hot embeddings and an lm_head that maps each one to its successor make the model
    // write, after the prompt, the calculator call "7", and end its text after the reply.
    private void WireToCallTheCalculator(CausalLanguageModel model)
    {
        int promptEnd = _tokenizer.Encode(R1ZeroTemplate.Format("Compute 347*58")).Last();
        var chain = new List<int> { promptEnd };
        chain.AddRange(_tokenizer.Encode(ZeroToolCalls.Call(ZeroToolKind.Calculator, "7")));
        chain.Add(TaskTokenizer.EndOfText);
        using var _ = torch.no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name.Contains("o_proj") || name.Contains("down_proj")) parameter.zero_();
        }
        var embedding = model.named_parameters().Single(p => p.name.Contains("embed_tokens")).parameter;
        embedding.zero_();
        model.OutputWeight.zero_();
        // After the calculator's reply (its last token), the text ends.
        int replyEnd = _tokenizer.Encode(ToolMessageFormat.Plain.Render(ZeroToolCalls.Output(ZeroToolKind.Calculator, 7))).Last();
        var successors = chain.Zip(chain.Skip(1), (from, to) => (From: from, To: to)).Append((From: replyEnd, To: TaskTokenizer.EndOfText)).ToList();
        for (int i = 0; i < successors.Count; i++)
        {
            embedding[successors[i].From, i] = torch.tensor(1f);
            model.OutputWeight[successors[i].To, i] = torch.tensor(50f);
        }
    }

    private string Benchmark()
    {
        string path = Path.Combine(_dir, "mult.jsonl");
        File.WriteAllLines(path, [
            JsonSerializer.Serialize(new { id = "m1", problem = "Compute 347*58", answer = "20126" }),
            JsonSerializer.Serialize(new { id = "m2", problem = "Compute 512*37", answer = "18944" }),
        ]);
        return path;
    }

    private string[] EvalArgs(string output, int maxTokens = 8) =>
        ["-b", $"mult={Benchmark()}", "--question-field", "problem", "--answer-field", "answer", "--id-field", "id", "-k", "2",
         "--prompt-suffix", "", "--max-tokens", maxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", "1", "--tools", "calculator", "--max-tool-calling-iterations", "2", "-o", output];

    [Fact]
    public async Task EvalLoadsTheExtendedVocabularyAndRunsTheToolLoop()
    {
        string checkpoint = await WriteCheckpointAsync(callsTheCalculator: true);
        Assert.True(ModelDirectoryTokenizer.LoadTaskTokenizer(checkpoint).VocabSize > new TaskTokenizer().VocabSize);
        string output = Path.Combine(_dir, "out");

        var (exit, _, error) = EvalCommandTests.Invoke([.. EvalArgs(output), "--checkpoint", checkpoint]);

        Assert.True(exit == 0, error);
        var lines = File.ReadAllLines(EvaluationRunner.SamplesPath(output, "mult"));
        Assert.Equal(4, lines.Length);
        Assert.All(lines, l =>
        {
            var record = JsonDocument.Parse(l).RootElement;
            Assert.Equal(JsonValueKind.Null, record.GetProperty("error").ValueKind);
            Assert.Equal(1, record.GetProperty("tool_calls").GetInt32());
        });
        Assert.Contains("calculator (max 2 calls", File.ReadAllText(Path.Combine(output, "run.json")));
    }

    [Fact]
    public async Task ServeLoadsItWithTheR1ZeroTemplateAndTheEndpointLoopCallsTheCalculator()
    {
        string checkpoint = await WriteCheckpointAsync();
        var options = new ServeOptions { Port = 0, ModelName = "zt", ContextLength = 256 };
        var served = ServedModelLoader.Load(checkpoint, torch.CPU, null, options);
        await using var engine = served.Engine;
        await using (var server = await OpenAiServer.StartAsync(served, options))
        {
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            using var reply = await client.PostAsJsonAsync("/v1/chat/completions", new { messages = new[] { new { role = "user", content = "Compute 347*58" } }, max_tokens = 4 });
            var body = JsonDocument.Parse(await reply.Content.ReadAsStringAsync()).RootElement;
            Assert.True(reply.IsSuccessStatusCode, body.ToString());
            // The prompt is the R1-Zero template in the checkpoint's own vocabulary (one token per template sentence).
            Assert.Equal(_tokenizer.Encode(R1ZeroTemplate.Format("Compute 347*58")).Count, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        }

        // The same checkpoint as --tokenizer of an endpoint: a scripted server writes the call the model was trained to write.
        string call = " <think> " + ZeroToolCalls.Call(ZeroToolKind.Calculator, "347*58");
        await using var fake = new FakeChatCompletionsServer((body, n) => new(200, JsonSerializer.Serialize(new
        {
            choices = new[]
            {
                new
                {
                    index = 0, text = "", finish_reason = "stop",
                    token_ids = n % 2 == 1 ? _tokenizer.Encode(call).ToArray() : [.. _tokenizer.Encode(" </think> <answer>\\boxed{20126}</answer>"), TaskTokenizer.EndOfText],
                },
            },
        })));
        string output = Path.Combine(_dir, "endpoint");
        var (exit, _, error) = EvalCommandTests.Invoke([.. EvalArgs(output, maxTokens: 60), "--endpoint", fake.BaseUri.ToString(), "--model", "zt", "--tokenizer", checkpoint, "--samples-per-request", "1", "--concurrency", "1"]);

        Assert.True(exit == 0, error);
        var records = File.ReadAllLines(EvaluationRunner.SamplesPath(output, "mult")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(4, records.Count);
        Assert.All(records, r => Assert.Equal(1, r.GetProperty("tool_calls").GetInt32()));
        Assert.All(records, r => Assert.Equal(0, r.GetProperty("tool_failures").GetInt32()));
        Assert.Equal(2, records.Count(r => r.GetProperty("correct").GetBoolean())); // m1's two samples; m2's gold differs
        // The calculator's answer reached the model: the second turn's prompt ends with the tool message.
        var second = fake.Seen.ElementAt(1).Body; // one sample at a time: its call, then its answer
        string conversation = _tokenizer.Decode(second.GetProperty("prompt").EnumerateArray().Select(e => e.GetInt32()));
        Assert.EndsWith(call + ToolMessageFormat.Plain.Render("20126"), conversation);
    }

    [Fact]
    public async Task AVocabularyThatDoesNotMatchTheEmbeddingIsRefusedNamingTheFileAndField()
    {
        string checkpoint = await WriteCheckpointAsync();
        File.WriteAllText(Path.Combine(checkpoint, TaskTokenizer.VocabularyFileName), JsonSerializer.Serialize(_tokenizer.Vocabulary.Append("zzz extra")));

        var (exit, _, error) = EvalCommandTests.Invoke([.. EvalArgs(Path.Combine(_dir, "refused")), "--checkpoint", checkpoint]);

        Assert.Equal(2, exit);
        Assert.Contains("config.json: vocab_size", error);
        Assert.Contains(TaskTokenizer.VocabularyFileName, error);
        var refused = Assert.Throws<InvalidDataException>(() => ServedModelLoader.Load(checkpoint, torch.CPU, null, new ServeOptions()));
        Assert.Contains($"vocab_size {_tokenizer.VocabSize}", refused.Message);
    }
}
