using System.Diagnostics;
using R1Sharp.Generation;
using R1Sharp.Models;

namespace R1Sharp.Bench;

/// <summary>Decode-phase tokens/s of <see cref="BatchedGenerator"/> (greedy), prefill excluded.</summary>
internal static class OurDecode
{
    /// <summary>The prompt of sequence <paramref name="row"/>: 32 fixed token ids, the same for both engines.</summary>
    public static int[] Prompt(int vocab, int row = 0) => Enumerable.Range(0, 32).Select(i => (i * 7919 + 13 + row * 101) % vocab).ToArray();

    // A run with 1 + n new tokens minus a run with 1 (prefill and the first token), as model-generation does.
    public static double TokensPerSecond(CausalLanguageModel model, int batch, int tokens)
    {
        var generator = new BatchedGenerator(model);
        IReadOnlyList<IReadOnlyList<int>> prompts = Enumerable.Range(0, batch).Select(r => (IReadOnlyList<int>)Prompt(model.Config.VocabSize, r)).ToList();
        var options = new SamplingOptions { Temperature = 0 };
        generator.Generate(prompts, options with { MaxNewTokens = 2 });
        var sw = Stopwatch.StartNew();
        generator.Generate(prompts, options with { MaxNewTokens = 1 });
        double first = sw.Elapsed.TotalSeconds;
        sw.Restart();
        generator.Generate(prompts, options with { MaxNewTokens = 1 + tokens });
        return batch * tokens / (sw.Elapsed.TotalSeconds - first);
    }
}
