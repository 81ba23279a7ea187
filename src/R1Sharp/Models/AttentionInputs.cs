using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>What every layer's attention shares in one forward pass: RoPE tables and the mask (built once per pass).</summary>
/// <param name="Cos">cos table [B, T, head_dim].</param>
/// <param name="Sin">sin table [B, T, head_dim].</param>
/// <param name="Mask">Null, or boolean [B, 1, group x T, L] (true = may attend), folded for grouped-query heads.</param>
/// <param name="Causal">With no mask: whether the causal rule applies (prefill from position 0, T &gt; 1).</param>
/// <param name="Segments">The packed runs the mask is the block-diagonal causal mask of (<see cref="PackedSegments.Match"/>),
/// when the caller found them: self-attention then computes only inside runs (<see cref="SegmentAttention"/>).</param>
internal sealed record AttentionInputs(Tensor Cos, Tensor Sin, Tensor? Mask, bool Causal, PackedSegments? Segments = null);
