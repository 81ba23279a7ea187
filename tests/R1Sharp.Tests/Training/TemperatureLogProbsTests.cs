using R1Sharp.Generation;
using R1Sharp.Tests.Models;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Rollouts;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Training;

/// <summary>
/// GRPO's training forward (π_θ, π_old, π_ref all go through <see cref="CompletionLogProbs"/>) must give the
/// log-probabilities the rollouts were sampled with: same temperature, prompts of different lengths so the rows are
/// left-padded in training but were generated with a KV cache.
/// </summary>
public class TemperatureLogProbsTests
{
    private const double Temperature = 0.7;

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public async Task TrainingForwardReproducesTheRolloutsSampledLogProbs(int chunkSize)
    {
        using var scope = torch.NewDisposeScope();
        var model = TestModels.Small(TestModels.Qwen, seed: 3);
        int[][] prompts = [[5, 9, 11, 2, 7, 30, 31], [4, 8], [12, 13, 14, 15]];
        var engine = new InProcessRolloutEngine(model);
        // top-p 1: the training forward divides by the temperature only, as TRL does (top-p truncation is not modelled).
        var settings = new RolloutSettings(MaxNewTokens: 9, Temperature, TopP: 1.0, EosIds: [1], Seed: 42, PadId: 0, new SampleableIds(96));
        var rollouts = await engine.GenerateAsync(prompts, settings, CancellationToken.None);
        Assert.Equal(3, rollouts.Count);

        var rows = TrainingRows.Build(prompts, 1, [.. rollouts.Select(r => r.Tokens)], [.. rollouts.Select(r => r.Truncated)], padId: 0);
        var (input, mask, targets) = rows.Slice(new MicroBatch(0, 3), CPU);
        Tensor logProbs, atTemperatureOne;
        using (no_grad())
        {
            logProbs = new CompletionLogProbs(Temperature, chunkSize).Compute(model, input, mask, targets).LogProbs;
            atTemperatureOne = new CompletionLogProbs(1.0, chunkSize).Compute(model, input, mask, targets).LogProbs;
        }

        double worst = 0, worstAtOne = 0;
        for (int i = 0; i < rollouts.Count; i++)
        {
            var sampled = rollouts[i].LogProbs!;
            Assert.Equal(rollouts[i].Tokens.Length, sampled.Length);
            for (int t = 0; t < sampled.Length; t++)
            {
                worst = Math.Max(worst, Math.Abs(sampled[t] - logProbs[i, t].item<float>()));
                worstAtOne = Math.Max(worstAtOne, Math.Abs(sampled[t] - atTemperatureOne[i, t].item<float>()));
            }
        }
        // Decoding runs the projections through SmallBatchLinear and the training forward through libtorch's GEMM:
        // the same fp32 sums in another order, a few 1e-5 apart at most (1.4e-5 seen). A wrong temperature is 1e-2 off.
        Assert.True(worst <= 1e-4, $"largest difference to the sampled log-probs: {worst}");
        Assert.True(worstAtOne > 1e-2, $"temperature 1 should differ from the sampling distribution; largest difference {worstAtOne}");
    }
}
