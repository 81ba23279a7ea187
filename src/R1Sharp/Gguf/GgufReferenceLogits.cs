using R1Sharp.Checkpoints;
using R1Sharp.Text.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Gguf;

/// <summary>
/// Our side of <c>r1 export-gguf --verify</c>: the next-token logits of a checkpoint on a fixed prompt (fp32, CPU),
/// and the figure the command prints, the largest |ours − theirs| over every position and vocabulary entry divided
/// by the largest |ours| (so a model whose logits are all small does not pass by being small).
/// </summary>
public static class GgufReferenceLogits
{
    /// <summary>The fixed prompt both implementations run.</summary>
    public const string Prompt = "The quick brown fox jumps over the lazy dog. 12 + 30 = 42";

    /// <summary>Token ids of <see cref="Prompt"/> (without special tokens) and our logits [tokens][vocab] for them.</summary>
    /// <exception cref="InvalidDataException">The prompt encodes to no tokens.</exception>
    public static (int[] Ids, float[][] Logits) Compute(string modelDirectory, CancellationToken cancellationToken = default)
    {
        var tokenizer = HuggingFaceTokenizer.Load(modelDirectory);
        int[] ids = tokenizer.Encode(Prompt).ToArray();
        if (ids.Length == 0) throw new InvalidDataException($"{modelDirectory}: the tokenizer encodes the verification prompt to no tokens");
        cancellationToken.ThrowIfCancellationRequested();
        var (model, _) = HuggingFaceCheckpoint.Load(modelDirectory, torch.CPU, ScalarType.Float32);
        using (model)
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            var input = torch.tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Length], ScalarType.Int64);
            var logits = model.Forward(input)[0].to(ScalarType.Float32).contiguous();
            long vocab = logits.shape[1];
            var flat = logits.data<float>().ToArray();
            var rows = new float[ids.Length][];
            for (int t = 0; t < ids.Length; t++) rows[t] = flat.AsSpan((int)(t * vocab), (int)vocab).ToArray();
            return (ids, rows);
        }
    }

    /// <summary>max |ours − theirs| / max |ours| over all positions and vocabulary entries (the shorter row's width is compared).</summary>
    /// <exception cref="ArgumentException">The two have a different number of positions, or ours are all zero.</exception>
    public static double MaxRelativeDifference(IReadOnlyList<float[]> ours, IReadOnlyList<float[]> theirs)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(theirs);
        if (ours.Count != theirs.Count) throw new ArgumentException($"{ours.Count} positions of ours against {theirs.Count} of llama.cpp");
        double maxDiff = 0, maxAbs = 0;
        for (int t = 0; t < ours.Count; t++)
        {
            int width = Math.Min(ours[t].Length, theirs[t].Length);
            for (int v = 0; v < width; v++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs((double)ours[t][v] - theirs[t][v]));
                maxAbs = Math.Max(maxAbs, Math.Abs((double)ours[t][v]));
            }
        }
        if (maxAbs == 0) throw new ArgumentException("our logits are all zero: a relative difference is undefined");
        return maxDiff / maxAbs;
    }
}
