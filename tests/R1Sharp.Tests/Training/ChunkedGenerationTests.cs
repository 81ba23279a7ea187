using R1Sharp.Generation;
using R1Sharp.Models;
using R1Sharp.Training.Rollouts;
using TorchSharp;

namespace R1Sharp.Tests.Training;

public class ChunkedGenerationTests
{
    private static readonly SamplingOptions Sampling = new() { MaxNewTokens = 3, Temperature = 1.0, EosIds = [1], PadId = 0 };

    [Fact]
    public void Chunks_cover_the_prompts_in_order_each_with_its_own_seed()
    {
        using var model = CausalLanguageModel.Create(ToyGrpo.Config(), torch.CPU, torch.ScalarType.Float32, 3);
        var generator = new BatchedGenerator(model);
        IReadOnlyList<IReadOnlyList<int>> prompts = [.. Enumerable.Range(0, 7).Select(i => (IReadOnlyList<int>)[2 + i % 5, 3])];
        var seeds = new List<(int Index, int Start)>();

        var chunks = ChunkedGeneration.Generate(generator, prompts, 3, Sampling, (index, start) => { seeds.Add((index, start)); return 100 + index; }, default).ToList();

        Assert.Equal([0, 3, 6], chunks.Select(c => c.Start));
        Assert.Equal([3, 3, 1], chunks.Select(c => c.Sequences.Count));
        Assert.Equal([(0, 0), (1, 3), (2, 6)], seeds);
        // Each chunk is exactly what one call with that chunk's prompts and seed gives.
        foreach (var chunk in chunks)
        {
            var direct = generator.Generate([.. prompts.Skip(chunk.Start).Take(chunk.Sequences.Count)], Sampling with { Seed = 100 + chunk.Index });
            Assert.Equal(direct.Select(s => s.Tokens), chunk.Sequences.Select(s => s.Tokens));
            Assert.Equal(Enumerable.Range(0, chunk.Sequences.Count), chunk.Sequences.Select(s => s.PromptIndex));
        }
        var all = ChunkedGeneration.GenerateAll(generator, prompts, 3, Sampling, (index, _) => 100 + index, default);
        Assert.Equal(chunks.SelectMany(c => c.Sequences).Select(s => s.Tokens), all.Select(s => s.Tokens));
    }

    [Fact]
    public void A_chunk_size_below_one_is_refused()
    {
        using var model = CausalLanguageModel.Create(ToyGrpo.Config(), torch.CPU, torch.ScalarType.Float32, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => ChunkedGeneration.Generate(new BatchedGenerator(model), [[2]], 0, Sampling, (_, _) => 1, default));
    }
}
