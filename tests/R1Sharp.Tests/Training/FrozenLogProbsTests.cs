using R1Sharp.Models;
using R1Sharp.Training.Grpo;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Training;

public class FrozenLogProbsTests
{
    // A "model" over a vocabulary of 4 whose next-token distribution is p = (1/8, 1/8, 1/4, 1/2) everywhere:
    // log p(target) is then ln(1/8), ln(1/4) or ln(1/2) by the target alone.
    private static readonly float[] LogitsOfEveryPosition = [MathF.Log(1), MathF.Log(1), MathF.Log(2), MathF.Log(4)];

    private static Tensor Constant(Tensor input, int keep) =>
        tensor(LogitsOfEveryPosition).expand(input.shape[0], keep, 4).contiguous();

    [Fact]
    public void EachMicroBatchGetsTheLogProbsOfItsCompletionTokensWithoutGradients()
    {
        // Prompts [1] and [2, 3], G = 1; completions [3, 2] and [0] (pad 0): targets [3, 2] and [0], a micro-batch each.
        var rows = TrainingRows.Build([[1], [2, 3]], 1, [[3, 2], [0]], [false, false], padId: 0);
        var seen = new List<(long[] Shape, long[] Mask)>();
        var result = FrozenLogProbs.Compute((input, mask, targets) =>
        {
            seen.Add((input.shape, mask.data<long>().ToArray()));
            return TokenLogProbs.Gather(Constant(input, (int)targets.shape[1]).requires_grad_(true), targets);
        }, rows, MicroBatches.Split(2, 2), CPU);
        try
        {
            Assert.Equal(2, result.Length);
            Assert.Equal(new[] { Math.Log(0.5), Math.Log(0.25) }, result[0].data<float>().Select(x => (double)x), new Tolerance(1e-6));
            Assert.Equal(new[] { Math.Log(0.125) }, result[1].data<float>().Select(x => (double)x), new Tolerance(1e-6));
            Assert.All(result, r => Assert.False(r.requires_grad));
            // The forward saw each micro-batch alone, cut to its own widths and without the last column: p + c − 1 =
            // 1 + 2 − 1 for [1 | 3, 2] and 2 + 1 − 1 for [2, 3 | 0].
            Assert.Equal([new long[] { 1, 2 }, new long[] { 1, 2 }], seen.Select(s => s.Shape));
            Assert.Equal(new long[] { 1, 1 }, seen[0].Mask);
            Assert.Equal(new long[] { 1, 1 }, seen[1].Mask);
        }
        finally
        {
            foreach (var t in result) t.Dispose();
        }
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;
        public int GetHashCode(double obj) => 0;
    }
}
