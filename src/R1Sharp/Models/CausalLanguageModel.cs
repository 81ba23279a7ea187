using R1Sharp.TorchInterop;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>
/// A Qwen2 / Qwen3 / Qwen3-MoE / DeepSeek-V3 / Llama decoder-only language model (transformers' <c>Qwen2ForCausalLM</c> / <c>Qwen3ForCausalLM</c> /
/// <c>Qwen3MoeForCausalLM</c> / <c>DeepseekV3ForCausalLM</c> / <c>LlamaForCausalLM</c>)
/// with the same parameter names, so Hugging Face checkpoints load strictly: <c>model.embed_tokens.weight</c>,
/// <c>model.layers.N.self_attn.{q,k,v,o}_proj.*</c>, <c>model.layers.N.mlp.{gate,up,down}_proj.weight</c>,
/// <c>model.layers.N.{input,post_attention}_layernorm.weight</c>, <c>model.norm.weight</c> and <c>lm_head.weight</c>
/// (absent when the config ties the embeddings).
/// </summary>
public sealed class CausalLanguageModel : nn.Module
{
    [ComponentName(Name = "model")]
    private readonly DecoderStack _body;
    [ComponentName(Name = "lm_head")]
    private readonly LinearProjection? _head;

    private CausalLanguageModel(ModelConfig config, Device device, ScalarType dtype) : base(nameof(CausalLanguageModel))
    {
        string? problem = config.ShapeProblem();
        if (problem is not null) throw new ArgumentException($"model config is inconsistent: {problem}", nameof(config));
        if (dtype is not (ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16))
            throw new ArgumentException($"dtype {dtype} is not a supported weight dtype (float32, bfloat16, float16)", nameof(dtype));
        Config = config;
        _body = new DecoderStack(config, device, dtype);
        register_module("model", _body);
        if (!config.TieWordEmbeddings)
        {
            _head = new LinearProjection(config.HiddenSize, config.VocabSize, false, device, dtype);
            register_module("lm_head", _head);
        }
        RegisterComponents();
    }

    /// <summary>The architecture this model was built from.</summary>
    public ModelConfig Config { get; }

    /// <summary>Where the parameters live (follows <c>model.to(device)</c>).</summary>
    public Device Device => _body.Embedding.Weight.device;

    /// <summary>The parameters' dtype (float32, bfloat16 or float16; follows <c>model.to(dtype)</c>).</summary>
    public ScalarType Dtype => _body.Embedding.Weight.dtype;

    /// <summary>Total number of parameters (tied embeddings counted once).</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>The rotary embedding of the model (its inverse frequencies are a non-persistent buffer).</summary>
    public RotaryEmbedding Rotary => _body.Rotary;

    /// <summary>
    /// A model with transformers-style random weights: every linear and embedding matrix ~ normal(0,
    /// <see cref="ModelConfig.InitializerRange"/>), biases 0, norm weights 1. The same seed gives the same weights on
    /// every device and dtype (values are drawn in float32 on the CPU, then copied).
    /// </summary>
    /// <param name="config">Architecture.</param>
    /// <param name="device">Device for the parameters.</param>
    /// <param name="dtype">Parameter dtype.</param>
    /// <param name="seed">Random seed; null draws one.</param>
    public static CausalLanguageModel Create(ModelConfig config, Device device, ScalarType dtype, long? seed = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var model = new CausalLanguageModel(config, device, dtype);
        using var noGrad = torch.no_grad();
        using var generator = new torch.Generator((ulong)(seed ?? Random.Shared.NextInt64()), torch.CPU);
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name.EndsWith("norm.weight", StringComparison.Ordinal)) parameter.fill_(HeldScalars.One);
            else if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
            else
            {
                using var values = torch.empty(parameter.shape, ScalarType.Float32, torch.CPU);
                values.normal_(0, config.InitializerRange, generator);
                parameter.copy_(values);
            }
        }
        return model;
    }

    /// <summary>A model whose parameters are allocated but not initialised (a checkpoint load fills them).</summary>
    internal static CausalLanguageModel CreateUninitialized(ModelConfig config, Device device, ScalarType dtype) => new(config, device, dtype);

    /// <summary>
    /// Next-token logits [B, T', V] in the model's dtype, where T' = T, or <paramref name="logitsToKeep"/> last positions.
    /// </summary>
    /// <param name="inputIds">Token ids [B, T] (int64).</param>
    /// <param name="attentionMask">
    /// Optional [B, past + T] of 1 (token) / 0 (padding), covering the cached positions too. Left- and right-padded
    /// batches both work: positions are counted over the mask, so a padded row gets the same logits as alone.
    /// Null means no padding.
    /// </param>
    /// <param name="cache">Optional KV cache: this call's keys/values are written at its current length, and the
    /// tokens attend to everything cached before them.</param>
    /// <param name="logitsToKeep">0 = logits for every position; n &gt; 0 = only the last n (generation needs 1).</param>
    public Tensor Forward(Tensor inputIds, Tensor? attentionMask = null, KvCache? cache = null, int logitsToKeep = 0)
    {
        using var scope = torch.NewDisposeScope();
        var hidden = HiddenStates(inputIds, attentionMask, cache, logitsToKeep);
        var logits = _head is not null ? _head.forward(hidden)
            : SmallBatchLinear.Takes(hidden, _body.Embedding.Weight, null) ? SmallBatchLinear.Product(hidden, _body.Embedding.Weight, null)
            : nn.functional.linear(hidden, _body.Embedding.Weight);
        return logits.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Keep each sparse MoE layer's router logits from the latest forward, for <see cref="RouterAuxLoss"/> (transformers'
    /// <c>output_router_logits</c>). Default false; no effect on dense models.
    /// </summary>
    public bool CollectRouterLogits
    {
        get => _body.SparseBlocks.Any(b => b.CollectRouterLogits);
        set
        {
            foreach (var block in _body.SparseBlocks) block.CollectRouterLogits = value;
        }
    }

    /// <summary>
    /// router_aux_loss_coef × the load-balancing loss (<see cref="RouterLoadBalancing"/>) of the latest forward, a
    /// scalar with a gradient into the routers (activation checkpointing included), to add to the training loss; null
    /// for models without a load-balancing loss (dense, DeepSeek-V3) or when <see cref="CollectRouterLogits"/> is off.
    /// </summary>
    /// <param name="tokenMask">The latest forward's attention mask [B, T] (1 token, 0 padding): padding is left out of the
    /// loss, as transformers does; null counts every position.</param>
    public Tensor? RouterAuxLoss(Tensor? tokenMask = null)
    {
        if (Config.Moe is not { } moe) return null;
        var logits = _body.SparseBlocks.Select(b => b.LastRouterLogits).OfType<Tensor>().ToList();
        if (logits.Count == 0) return null;
        using var scope = torch.NewDisposeScope();
        return RouterLoadBalancing.Loss(logits, moe.NumExpertsPerToken, tokenMask).Times(moe.RouterAuxLossCoef).MoveToOuterDisposeScope();
    }

    /// <summary>Qwen3-MoE's sparse blocks, in layer order (empty for other models).</summary>
    internal IReadOnlyList<SparseMoeBlock> SparseBlocks => _body.SparseBlocks;

    /// <summary>DeepSeek-V3's sparse blocks, in layer order (empty for other models); see <see cref="ExpertBiasUpdate"/>.</summary>
    internal IReadOnlyList<DeepseekMoeBlock> DeepseekBlocks => _body.DeepseekBlocks;

    /// <summary>
    /// The output projection's weight [V, hidden] (lm_head, or the embedding when tied): logits = hidden · weightᵀ.
    /// </summary>
    public Tensor OutputWeight => _head?.Weight ?? _body.Embedding.Weight;

    /// <summary>
    /// Blocks the chunked log-prob path writes each chunk's [positions, V] logits into, kept from call to call
    /// (<see cref="Models.LogitScratch"/>); freed with the model.
    /// </summary>
    internal LogitScratch LogitScratch { get; } = new();

    /// <summary>
    /// Whether forwards without a KV cache on the CPU attend through <see cref="SegmentAttention"/> instead of libtorch's
    /// kernels, for float32 and bf16 weights: unpadded rows as one run each, padded rows whose tokens are one block
    /// (<see cref="PackedSegments.FromTokenBlocks"/>) as that block and one run per padding position (padding outputs,
    /// which nothing reads, then differ from the dense path's). Default <see cref="SegmentAttention.EnabledByDefault"/>.
    /// </summary>
    internal bool UseSegmentAttention { get; set; } = SegmentAttention.EnabledByDefault;

    /// <summary>
    /// Recompute each decoder layer's activations in backward instead of keeping them (transformers'
    /// <c>gradient_checkpointing</c>): activation memory of one layer instead of all, for about one more forward pass.
    /// Applies to forward passes that build a graph without a KV cache. Default false.
    /// </summary>
    public bool GradientCheckpointing
    {
        get => _body.GradientCheckpointing;
        set => _body.GradientCheckpointing = value;
    }

    /// <summary>
    /// Final normed hidden states [B, T', hidden] in the model's dtype: <see cref="Forward"/> before the output
    /// projection (same arguments), for callers that project a few positions at a time (<see cref="ChunkedTokenLogProbs"/>).
    /// </summary>
    /// <param name="inputIds">Token ids [B, T] (int64).</param>
    /// <param name="attentionMask">As for <see cref="Forward"/>.</param>
    /// <param name="cache">As for <see cref="Forward"/>.</param>
    /// <param name="logitsToKeep">0 = every position; n &gt; 0 = only the last n.</param>
    public Tensor HiddenStates(Tensor inputIds, Tensor? attentionMask = null, KvCache? cache = null, int logitsToKeep = 0)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        if (inputIds.dim() != 2) throw new ArgumentException($"inputIds must be [batch, tokens]; got [{string.Join(", ", inputIds.shape)}]", nameof(inputIds));
        using var scope = torch.NewDisposeScope();
        long b = inputIds.shape[0], t = inputIds.shape[1];
        int past = cache?.Length ?? 0;
        long total = past + t;
        if (cache is not null && cache.BatchSize != b)
            throw new ArgumentException($"the KV cache holds {cache.BatchSize} rows but inputIds has {b}", nameof(cache));
        var ids = inputIds.dtype == ScalarType.Int64 ? inputIds : inputIds.to(ScalarType.Int64);
        if (ids.device != Device) ids = ids.to(Device);

        bool padded = false;
        Tensor? valid = null;
        if (attentionMask is not null)
        {
            if (attentionMask.dim() != 2 || attentionMask.shape[0] != b || attentionMask.shape[1] != total)
                throw new ArgumentException($"attentionMask must be [{b}, {total}] (batch, cached + new tokens); got [{string.Join(", ", attentionMask.shape)}]", nameof(attentionMask));
            valid = attentionMask.to(ScalarType.Bool, Device);
            padded = !valid.all().item<bool>();
        }

        Tensor positions;
        Tensor? mask = null;
        bool causal = false;
        // Without a cache, the float32 segment kernel attends each row's tokens (faster than libtorch's attention) for
        // float32 and bf16 weights on the CPU; float64 keeps libtorch's.
        bool kernel = cache is null && UseSegmentAttention && Device.type == DeviceType.CPU && Dtype is ScalarType.Float32 or ScalarType.BFloat16;
        PackedSegments? segments = null;
        if (!padded)
        {
            positions = HeldScalarArithmetic.Range(past, total, Device).unsqueeze(0).expand(b, t);
            if (past == 0) causal = t > 1;
            else if (t > 1) mask = AttentionMasks.Build(torch.ones([b, total], ScalarType.Bool, Device), past, t, Config.QueryGroupSize);
            if (kernel && causal) segments = PackedSegments.WholeRows((int)b, (int)t); // one run per row
        }
        else
        {
            positions = valid!.to(ScalarType.Int64).cumsum(1).Minus(1L).clamp_min(HeldScalars.Zero).narrow(1, past, t);
            mask = AttentionMasks.Build(valid, past, t, Config.QueryGroupSize);
            // Left- and right-padded rows (GRPO's prompt + completion): the tokens are one run, each padding position another.
            if (kernel && past == 0 && t > 1) segments = PackedSegments.FromTokenBlocks(valid);
        }
        var hidden = _body.Forward(ids, positions, mask, causal, cache, segments);
        cache?.Advance((int)t);
        if (logitsToKeep > 0 && logitsToKeep < t) hidden = hidden.narrow(1, t - logitsToKeep, logitsToKeep);
        return hidden.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) LogitScratch.Dispose();
        base.Dispose(disposing);
    }
}
