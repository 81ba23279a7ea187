using R1Sharp.TorchInterop;
using R1Sharp.Models;
using R1Sharp.Models.Lora;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.RewardModels;

/// <summary>
/// A decoder with a scalar head: transformers' <c>Qwen2ForSequenceClassification</c> (and the Llama, Qwen3,
/// Qwen3-MoE and DeepSeek-V3 ones) with <c>num_labels = 1</c>, the reward model of TRL's RewardTrainer. The score of a
/// sequence is the head <c>score.weight</c> [1, hidden] applied to the final normed hidden state of its last non-pad
/// token, as transformers reads it. The body is the library's <see cref="CausalLanguageModel"/> without an output
/// projection (built as if its embeddings were tied, so no <c>lm_head</c> exists); its parameter names are the
/// checkpoint's (<c>model.*</c>), so LoRA attaches to it as to a policy.
/// </summary>
public sealed class RewardModel : IDisposable
{
    private readonly Lock _scoring = new();

    internal RewardModel(CausalLanguageModel body, Parameter score, ModelConfig config)
    {
        Body = body;
        ScoreWeight = score;
        Config = config;
    }

    /// <summary>Name of the head's tensor in a checkpoint (transformers' and TRL's).</summary>
    public const string ScoreTensorName = "score.weight";

    /// <summary>The decoder (parameters named <c>model.*</c>).</summary>
    public CausalLanguageModel Body { get; }

    /// <summary>The head, [1, hidden], in the body's dtype.</summary>
    public Parameter ScoreWeight { get; }

    /// <summary>The architecture as stored (the source checkpoint's <c>tie_word_embeddings</c> kept).</summary>
    public ModelConfig Config { get; }

    /// <summary>Where the parameters live.</summary>
    public Device Device => Body.Device;

    /// <summary>Parameters of the body and head.</summary>
    public long ParameterCount => Body.ParameterCount + ScoreWeight.numel();

    /// <summary>What trains: the LoRA adapters when attached (else every body weight), and the head always
    /// (PEFT's <c>modules_to_save=["score"]</c> for sequence classification).</summary>
    public IEnumerable<Parameter> TrainableParameters() => LoraModel.TrainableParameters(Body).Append(ScoreWeight);

    /// <summary>A reward model of random weights (body as <see cref="CausalLanguageModel.Create"/>, head ~ normal(0, initializer_range)).</summary>
    public static RewardModel Create(ModelConfig config, Device device, ScalarType dtype, long seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        var body = CausalLanguageModel.Create(BodyConfig(config), device, dtype, seed);
        return new RewardModel(body, NewHead(config, device, dtype, StableHeadSeed(seed)), config);
    }

    internal static ModelConfig BodyConfig(ModelConfig config) => config with { TieWordEmbeddings = true };

    internal static long StableHeadSeed(long seed) => seed ^ 0x5C0E;

    internal static Parameter NewHead(ModelConfig config, Device device, ScalarType dtype, long seed)
    {
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)seed, CPU);
        using var values = empty([1, config.HiddenSize], ScalarType.Float32, CPU);
        values.normal_(0, config.InitializerRange, generator);
        return new Parameter(values.to(dtype, device), requires_grad: true);
    }

    /// <summary>
    /// Scores [B] (float32) of right- or left-padded sequences: the head on the hidden state of each row's last
    /// position whose mask is 1. Builds a graph when gradients are on.
    /// </summary>
    /// <param name="inputIds">[B, T] token ids.</param>
    /// <param name="attentionMask">[B, T] of 1 (token) / 0 (padding).</param>
    public Tensor Scores(Tensor inputIds, Tensor attentionMask)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(attentionMask);
        using var scope = NewDisposeScope();
        var hidden = Body.HiddenStates(inputIds, attentionMask);
        long b = hidden.shape[0], t = hidden.shape[1], h = hidden.shape[2];
        var mask = attentionMask.to(ScalarType.Int64, hidden.device);
        // The rightmost position holding a token (transformers: argmax of position × non-pad).
        var last = (HeldScalarArithmetic.Range(0, t, hidden.device).unsqueeze(0) * mask).argmax(1);
        var picked = hidden.gather(1, last.view(b, 1, 1).expand(b, 1, h)).squeeze(1);
        var scores = nn.functional.linear(picked, ScoreWeight).squeeze(-1).to(ScalarType.Float32);
        return scores.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Scores token sequences without gradients, <paramref name="batchSize"/> at a time (sorted by length so a batch
    /// pads little), right-padded with <paramref name="padId"/>. Thread-safe (calls are serialised).
    /// </summary>
    /// <returns>One score per sequence, in input order.</returns>
    public double[] Score(IReadOnlyList<IReadOnlyList<int>> sequences, int padId, int batchSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var scores = new double[sequences.Count];
        var order = Enumerable.Range(0, sequences.Count).OrderBy(i => sequences[i].Count).ToArray();
        lock (_scoring)
        {
            bool wasTraining = Body.training;
            Body.eval();
            try
            {
                using var noGrad = no_grad();
                for (int start = 0; start < order.Length; start += batchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var rows = order.Skip(start).Take(batchSize).ToArray();
                    using var scope = NewDisposeScope();
                    var (ids, mask) = Pad([.. rows.Select(i => sequences[i])], padId, Device);
                    var values = Scores(ids, mask).cpu().data<float>().ToArray();
                    for (int k = 0; k < rows.Length; k++) scores[rows[k]] = values[k];
                }
            }
            finally
            {
                if (wasTraining) Body.train();
            }
        }
        return scores;
    }

    /// <summary>Right-pads sequences into [B, T] ids and a 1/0 attention mask.</summary>
    /// <exception cref="ArgumentException">A sequence is empty.</exception>
    public static (Tensor Ids, Tensor Mask) Pad(IReadOnlyList<IReadOnlyList<int>> sequences, int padId, Device device)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        int width = sequences.Count == 0 ? 1 : sequences.Max(s => s.Count);
        if (sequences.Any(s => s.Count == 0)) throw new ArgumentException("a sequence to score is empty", nameof(sequences));
        var ids = new long[sequences.Count * width];
        var mask = new long[sequences.Count * width];
        for (int r = 0; r < sequences.Count; r++)
        {
            for (int c = 0; c < width; c++)
            {
                bool real = c < sequences[r].Count;
                ids[r * width + c] = real ? sequences[r][c] : padId;
                mask[r * width + c] = real ? 1 : 0;
            }
        }
        return (tensor(ids, [sequences.Count, width]).to(device), tensor(mask, [sequences.Count, width]).to(device));
    }

    /// <summary>Frees the body and head.</summary>
    public void Dispose()
    {
        Body.Dispose();
        ScoreWeight.Dispose();
    }
}
