using R1Sharp.Generation;
using R1Sharp.Models;
using R1Sharp.Serving;
using R1Sharp.Serving.Engine;
using R1Sharp.Serving.Http;
using R1Sharp.Tests.Models;
using R1Sharp.Text;

namespace R1Sharp.Tests.Serving;

/// <summary>A tiny random Qwen2-shaped model behind the engine and the HTTP server, on a free loopback port.</summary>
internal sealed class ServingFixture : IAsyncDisposable
{
    private ServingFixture(ServedModel served, OpenAiServer server, CausalLanguageModel reference)
    {
        Served = served;
        Server = server;
        Reference = reference;
        Client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
    }

    public ServedModel Served { get; }

    public OpenAiServer Server { get; }

    /// <summary>An identical copy of the served model for in-process comparisons.</summary>
    public CausalLanguageModel Reference { get; }

    public HttpClient Client { get; }

    public AsciiTestTokenizer Tokenizer => (AsciiTestTokenizer)Served.Tokenizer;

    public static async Task<ServingFixture> StartAsync(ServeOptions? options = null, int maxBatch = 32, int maxQueue = 256, Func<string, CausalLanguageModel>? loadWeights = null,
        ITextTokenizer? tokenizer = null, IChatPromptFormatter? formatter = null, int contextLength = 512)
    {
        var engine = new ContinuousBatchingEngine(TestModels.Small(TestModels.Qwen, seed: 7), maxBatch, maxQueue, contextLength);
        var served = new ServedModel("tiny", engine, tokenizer ?? new AsciiTestTokenizer(), formatter ?? new PlainChatFormatter(), loadWeights);
        var server = await OpenAiServer.StartAsync(served, (options ?? new ServeOptions()) with { Port = 0, ModelName = "tiny", MaxBatch = maxBatch, MaxQueue = maxQueue });
        return new ServingFixture(served, server, TestModels.Small(TestModels.Qwen, seed: 7));
    }

    /// <summary>What the in-process batched generator makes of a prompt with the server's defaults.</summary>
    public string Generate(string prompt, int maxTokens, double temperature, long? seed, bool chat)
    {
        string text = chat ? new PlainChatFormatter().Format([new ChatTurn("user", prompt)], true) : prompt;
        var ids = Tokenizer.Encode(text);
        var result = new BatchedGenerator(Reference).Generate([ids], new SamplingOptions
        {
            MaxNewTokens = maxTokens,
            Temperature = temperature,
            Seed = seed,
            EosIds = Tokenizer.EosIds,
        })[0];
        return Tokenizer.Decode(result.Tokens, skipSpecialTokens: true);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        await Served.Engine.DisposeAsync();
        Reference.Dispose();
    }
}
