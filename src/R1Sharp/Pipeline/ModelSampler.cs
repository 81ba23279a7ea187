using R1Sharp.Generation;
using R1Sharp.Models;
using R1Sharp.Tasks;
using R1Sharp.Training.Rollouts;

namespace R1Sharp.Pipeline;

/// <summary>Seeded batched sampling of a built-in model: completion texts and token counts, in prompt order.</summary>
internal static class ModelSampler
{
    private const int BatchSize = 512;

    public static List<(string Text, int Tokens)> Sample(CausalLanguageModel model, TaskTokenizer tokenizer, IReadOnlyList<string> prompts,
        int maxNewTokens, double temperature, double topP, long seed, CancellationToken cancellationToken)
    {
        var options = SamplingOptions.For(tokenizer, maxNewTokens, temperature, topP);
        var ids = prompts.Select(p => (IReadOnlyList<int>)[.. tokenizer.Encode(p)]).ToList();
        model.eval();
        var sequences = ChunkedGeneration.GenerateAll(new BatchedGenerator(model), ids, BatchSize, options, (_, start) => seed + start, cancellationToken);
        return [.. sequences.Select(s => (tokenizer.Decode(s.Tokens, skipSpecialTokens: true), s.Tokens.Length))];
    }
}
