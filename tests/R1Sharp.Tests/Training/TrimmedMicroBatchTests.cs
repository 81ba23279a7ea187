using R1Sharp.Models;
using R1Sharp.Training.Grpo;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Training;

/// <summary>
/// A micro-batch cut to its own rows' widths (<see cref="TrainingRows.Slice"/>) gives the log-probs the full-width
/// layout gives those rows: the columns left out are padding in all of them, and positions come from the mask.
/// </summary>
public class TrimmedMicroBatchTests
{
    public static TheoryData<string> Architectures => [ModelConfig.Qwen2, ModelConfig.Qwen3, ModelConfig.Qwen3Moe];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void ATrimmedMicroBatchHasTheFullWidthLogProbsOfItsRows(string architecture)
    {
        var config = ToyGrpo.Config() with
        {
            ModelType = architecture,
            ExplicitHeadDim = architecture == ModelConfig.Qwen2 ? null : 24,
            Moe = architecture == ModelConfig.Qwen3Moe ? new MoeSettings(4, 2, 16, true, 1, [], 0.001) : null,
        };
        var (policy, reference) = ToyGrpo.Models(config);
        using var scope = NewDisposeScope();
        using (policy)
        using (reference)
        using (no_grad())
        {
            // Group 0: a 5-token prompt and long completions; group 1: a 1-token prompt and short ones.
            var rows = TrainingRows.Build([[2, 3, 4, 5, 6], [7]], generations: 2, [[8, 9, 10, 11, 1], [3, 4], [5], [6, 1]], [false, false, false, false], padId: 0);
            var logProbs = new CompletionLogProbs(Temperature: 0.7, ChunkSize: 0);
            var (fullInput, fullMask, fullTargets) = rows.Slice(new MicroBatch(0, 4), CPU);
            var full = logProbs.Compute(policy, fullInput, fullMask, fullTargets).LogProbs;
            var shortGroup = new MicroBatch(2, 4);
            var (input, mask, targets) = rows.Slice(shortGroup, CPU);
            Assert.Equal(new long[] { 2, 2 }, input.shape); // p = 1, c = 2: of P + C − 1 = 9 columns, 2
            var trimmed = logProbs.Compute(policy, input, mask, targets).LogProbs;
            var expected = full[2..4, ..2];
            var lossMask = rows.CompletionMask(shortGroup, maskTruncated: false);
            float difference = ((trimmed - expected) * lossMask).abs().max().item<float>();
            Assert.True(difference < 1e-5, $"{architecture}: trimmed log-probs differ by {difference}");
        }
    }
}
