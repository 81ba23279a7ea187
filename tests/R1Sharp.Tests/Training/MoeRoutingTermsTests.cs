using R1Sharp.Models;
using R1Sharp.Tests.Models;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.LanguageModeling;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Training;

/// <summary>Issue 16: the routers' training terms — Qwen3-MoE's load-balancing loss and DeepSeek-V3's bias update.</summary>
public sealed class MoeRoutingTermsTests
{
    private static readonly long[][] Rows = [[5, 17, 92, 94, 40, 3], [60, 93, 12, 7, 0, 0]];
    private static readonly long[][] Mask = [[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]];

    [Fact]
    public void TheTermIsTheCoefficientTimesTheHandComputedLossWithPaddingLeftOut()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Small(TestModels.Qwen3Moe);
        using var terms = MoeRoutingTerms.For(model, 0)!;
        var mask = TestModels.Ids(Mask);
        model.Forward(TestModels.Ids(Rows), mask);
        var logits = model.SparseBlocks.Select(b => b.LastRouterLogits!.detach().clone()).ToList();
        Assert.Equal(2, logits.Count);

        var zero = tensor(0f);
        var total = terms.AddTo(zero, mask, 1.0);
        var metrics = terms.AfterOptimizerStep();
        double expected = 0.001 * HandLoss(logits, 2, [.. Mask.SelectMany(r => r)]);
        Assert.Equal(expected, total.item<float>(), 7);
        Assert.Equal(expected, metrics[MoeRoutingTerms.AuxLossMetric], 7);
        // The padding counts for something: without the mask the loss differs.
        Assert.NotEqual(expected, 0.001 * HandLoss(logits, 2, [.. Enumerable.Repeat(1L, 12)]), 7);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheRoutersGetTheGradientWithAndWithoutActivationCheckpointing(bool checkpointing)
    {
        using var scope = NewDisposeScope();
        var reference = RouterGradients(checkpointing: false);
        var gradients = checkpointing ? RouterGradients(checkpointing: true) : reference;
        Assert.All(gradients, g => Assert.True(g.abs().sum().item<float>() > 0, "the router got no gradient from the aux loss"));
        for (int i = 0; i < gradients.Count; i++)
            Assert.True(TestModels.MaxAbsDiff(gradients[i], reference[i]) <= 1e-7f, $"layer {i}: checkpointed gradient differs");
    }

    private static List<Tensor> RouterGradients(bool checkpointing)
    {
        using var model = TestModels.Small(TestModels.Qwen3Moe);
        model.train();
        model.GradientCheckpointing = checkpointing;
        using var terms = MoeRoutingTerms.For(model, 0)!;
        var mask = TestModels.Ids(Mask);
        model.HiddenStates(TestModels.Ids(Rows), mask);
        terms.AddTo(tensor(0f), mask, 0.5).backward();
        return [.. model.named_parameters().Where(p => p.name.EndsWith("mlp.gate.weight", StringComparison.Ordinal)).Select(p => p.parameter.grad!.clone())];
    }

    [Fact]
    public void DenseModelsAndAZeroCoefficientGetNoTerms()
    {
        using var dense = TestModels.Small(TestModels.Qwen3);
        Assert.Null(MoeRoutingTerms.For(dense, 0));
        var moe = TestModels.SmallConfig(TestModels.Qwen3Moe);
        using var off = CausalLanguageModel.Create(moe with { Moe = moe.Moe! with { RouterAuxLossCoef = 0 } }, CPU, ScalarType.Float32, 1);
        Assert.Null(MoeRoutingTerms.For(off, 0));
        using var deepseek = TestModels.Small(TestModels.DeepseekV3);
        Assert.Null(MoeRoutingTerms.For(deepseek, 0)); // no load-balancing loss in DeepSeek-V3, and the bias update is off
    }

    [Fact]
    public void TheBiasUpdateIsRefusedForModelsWithoutASelectionBias()
    {
        using var moe = TestModels.Small(TestModels.Qwen3Moe);
        var error = Assert.Throws<ConfigurationException>(() => MoeRoutingTerms.For(moe, 0.001));
        Assert.Contains("router_bias_update_rate", error.Message);
        Assert.Contains("qwen3_moe", error.Message);
        Assert.Contains("router_bias_update_rate", GrpoOptionsValidator.Problems(new GrpoOptions { RouterBiasUpdateRate = -1 }).Single());
        Assert.Contains("use_peft", GrpoOptionsValidator.Problems(new GrpoOptions { RouterBiasUpdateRate = 0.001, UsePeft = true }).Single());
    }

    [Fact]
    public void GradientAccumulationAddsTheMeanOfTheMicroBatchesTerms()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Small(TestModels.Qwen3Moe);
        model.train();
        var batches = new[] { Batch(Rows[0], Mask[0]), Batch(Rows[1], Mask[1]) };
        double expected = 0;
        model.CollectRouterLogits = true;
        using (no_grad())
        {
            foreach (var (batch, mask) in batches.Select((b, i) => (b, Mask[i])))
            {
                model.Forward(batch.InputIds, batch.PaddingMask);
                expected += 0.5 * 0.001 * HandLoss([.. model.SparseBlocks.Select(b => b.LastRouterLogits!)], 2, mask);
            }
        }
        using var terms = MoeRoutingTerms.For(model, 0)!;
        var forward = new PackedCausalForward(model);
        var parameters = model.parameters().ToList();
        var step = CrossEntropyStep.OfLossSum(b => CrossEntropyStep.TokenLossSum(forward.Logits(b), b.Labels), parameters, 1.0, terms);
        using var optimizer = optim.SGD(parameters, 0.0);
        var result = step.Run(optimizer, [() => batches[0], () => batches[1]], batches.Sum(b => b.TargetTokens));
        Assert.Equal(expected, result.RouterAuxLoss!.Value, 6);
    }

    private static TokenBatch Batch(long[] ids, long[] mask)
    {
        int n = (int)mask.Sum();
        var input = tensor(ids, [1, ids.Length]);
        var positions = tensor(Enumerable.Range(0, ids.Length).Select(i => (long)Math.Min(i, n - 1)).ToArray(), [1, ids.Length]);
        var labels = tensor(Enumerable.Range(0, ids.Length).Select(i => i + 1 < n ? ids[i + 1] : (long)TokenBatchCollator.IgnoreLabel).ToArray(), [1, ids.Length]);
        var attention = ones([ids.Length, ids.Length], ScalarType.Bool).tril();
        var padding = tensor(mask, [1, ids.Length]);
        var valid = padding.to(ScalarType.Bool)[0];
        attention = attention.logical_and(valid.unsqueeze(0)).logical_or(eye(ids.Length, dtype: ScalarType.Bool));
        return new TokenBatch(input, positions, labels, attention.view(1, 1, ids.Length, ids.Length), padding, n - 1, n, ids.Length);
    }

    [Fact]
    public void TheBiasMovesByTheRateAgainstTheHandCountedLoad()
    {
        using var scope = NewDisposeScope();
        using var model = TestModels.Small(TestModels.DeepseekV3);
        // Zero router weights: every score is sigmoid(0) = 0.5, so the bias alone chooses. 8 experts in 4 groups, 2 groups
        // kept, k = 2: the bias favours experts 6 and 7 (group 3) and then 0 (group 0), so every token picks 6 and 7.
        var state = model.state_dict();
        using (no_grad())
        {
            state["model.layers.1.mlp.gate.weight"].zero_();
            state["model.layers.1.mlp.gate.e_score_correction_bias"].copy_(tensor(new float[] { 0.2f, 0, 0, 0, 0, 0, 0.3f, 0.4f }));
        }
        using var update = new ExpertBiasUpdate(model, 0.01);
        var mask = TestModels.Ids(Mask);
        model.Forward(TestModels.Ids(Rows), mask);
        update.Accumulate(mask);
        // 10 real tokens (2 padding left out), each routed to experts 6 and 7: loads (0, ..., 0, 10, 10), mean 20 / 8 = 2.5.
        Assert.Equal(new long[] { 0, 0, 0, 0, 0, 0, 10, 10 }, update.Loads.Single());
        update.Apply();
        var bias = state["model.layers.1.mlp.gate.e_score_correction_bias"].data<float>().ToArray();
        float[] expected = [0.21f, 0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.29f, 0.39f];
        for (int e = 0; e < 8; e++) Assert.Equal(expected[e], bias[e], 6);
        Assert.Equal(new long[8], update.Loads.Single()); // the next step counts from zero
        Assert.Equal(new[] { 0.5, 0, -0.5 }, ExpertBiasUpdate.Delta([1, 2, 3], 0.5)); // on the mean: no move
    }

    /// <summary>transformers' load_balancing_loss_func with an attention mask, in plain doubles.</summary>
    private static double HandLoss(IReadOnlyList<Tensor> layers, int k, long[] mask)
    {
        int experts = (int)layers[0].shape[1];
        var f = new double[k, experts];
        var p = new double[experts];
        double tokens = 0;
        foreach (var layer in layers)
        {
            var values = layer.to(ScalarType.Float64).data<double>().ToArray();
            for (int n = 0; n < mask.Length; n++)
            {
                if (mask[n] == 0) continue;
                tokens++;
                var row = values.AsSpan(n * experts, experts).ToArray();
                double max = row.Max();
                double sum = row.Sum(v => Math.Exp(v - max));
                var probabilities = row.Select(v => Math.Exp(v - max) / sum).ToArray();
                var order = Enumerable.Range(0, experts).OrderByDescending(e => probabilities[e]).ToArray();
                for (int j = 0; j < k; j++) f[j, order[j]]++;
                for (int e = 0; e < experts; e++) p[e] += probabilities[e];
            }
        }
        double loss = 0;
        for (int j = 0; j < k; j++)
            for (int e = 0; e < experts; e++)
                loss += f[j, e] / tokens * (p[e] / tokens);
        return loss * experts;
    }
}
