using R1Sharp.TorchInterop;
using R1Sharp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Training.LanguageModeling;

/// <summary>
/// The forward pass of the library's <see cref="CausalLanguageModel"/> (Qwen2/Llama) over a <see cref="TokenBatch"/>,
/// packed rows included: the model's own decoder runs with the batch's per-sample positions and its block-diagonal
/// mask, so samples sharing a row never see each other. On the CPU, where the mask is exactly the block-diagonal causal
/// mask of the batch's positions (every batch <see cref="TokenBatchCollator"/> makes), self-attention computes only
/// inside each sample (<see cref="UseSegmentAttention"/>).
/// </summary>
public sealed class PackedCausalForward
{
    private readonly CausalLanguageModel _model;
    private readonly DecoderStack _body;
    private readonly LinearProjection? _head;

    /// <summary>Wraps a model.</summary>
    /// <exception cref="ArgumentException">The model has no decoder stack named <c>model</c>.</exception>
    public PackedCausalForward(CausalLanguageModel model)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        var children = model.named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);
        _body = children["model"] as DecoderStack ?? throw new ArgumentException("the model has no decoder stack named 'model'", nameof(model));
        _head = children.GetValueOrDefault("lm_head") as LinearProjection;
    }

    /// <summary>
    /// Whether self-attention of a CPU batch whose mask is the block-diagonal causal mask of its positions runs only
    /// inside each sample instead of through the dense masked kernel: the same function, computed without the scores the
    /// mask discards (issue 18: most of them, in r1 zero's packed pre-training; the kernel is also faster than libtorch's
    /// where a row is one sample). Default: on where the CPU has AVX-512, unless the environment sets
    /// <c>R1SHARP_SEGMENT_ATTENTION=0</c>.
    /// </summary>
    public bool UseSegmentAttention { get; init; } = SegmentAttention.EnabledByDefault;

    /// <summary>Logits [B, T, V] of the batch.</summary>
    public Tensor Logits(TokenBatch batch)
    {
        using var scope = NewDisposeScope();
        var hidden = Hidden(batch);
        var logits = _head is null ? nn.functional.linear(hidden, _body.Embedding.Weight) : _head.forward(hidden);
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The summed cross-entropy of the batch's target tokens, equal to <see cref="CrossEntropyStep.TokenLossSum"/> of
    /// <see cref="Logits"/>, taken from the hidden states <paramref name="chunkSize"/> positions at a time
    /// (<see cref="ChunkedTokenLogProbs"/>): the [B, T, V] logits never exist, in forward or backward.
    /// </summary>
    /// <param name="batch">The batch (labels <see cref="TokenBatchCollator.IgnoreLabel"/> carry no loss).</param>
    /// <param name="chunkSize">Positions projected to the vocabulary at once.</param>
    public Tensor TokenLossSum(TokenBatch batch, int chunkSize)
    {
        using var scope = NewDisposeScope();
        var hidden = Hidden(batch);
        var labels = batch.Labels.to(ScalarType.Int64, hidden.device);
        using var ignored = TokenBatchCollator.IgnoreLabel.ToScalar();
        var counted = labels.ne(ignored);
        var logProbs = ChunkedTokenLogProbs.Gather(hidden, _model.OutputWeight, labels.masked_fill(counted.logical_not(), HeldScalars.Zero), 1.0, chunkSize, _model.LogitScratch);
        return (-(logProbs * counted.to(ScalarType.Float32)).sum()).MoveToOuterDisposeScope();
    }

    private Tensor Hidden(TokenBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var segments = UseSegmentAttention && _model.Device.type == DeviceType.CPU ? PackedSegments.FromPositions(batch.PositionIds) : null;
        if (segments is not null && !segments.IsMaskOf(batch.AttentionMask)) segments = null;
        // With the runs every self-attention layer ignores the mask; only latent attention (DeepSeek-V3) still reads it.
        Tensor? folded = null;
        if (segments is null || _model.Config.LatentAttention is not null)
        {
            // The decoder takes the mask folded for grouped-query attention: query rows tiled once per head group.
            var mask = batch.AttentionMask.squeeze(1);
            int group = _model.Config.QueryGroupSize;
            folded = (group > 1 ? mask.repeat(1, group, 1) : mask).unsqueeze(1);
        }
        return _body.Forward(batch.InputIds, batch.PositionIds, folded, causal: false, cache: null, segments).MoveToOuterDisposeScope();
    }
}
