using R1Sharp.Training.LanguageModeling;
using R1Sharp.Training.Sft;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Sft;

/// <summary>Test double for the SFT trainer: token + position embeddings, one causal self-attention layer that
/// honours the batch's position ids and 4-D mask, an MLP and a head. Small enough to train in a test.</summary>
internal sealed class TinyAttentionModel : nn.Module<TokenBatch, Tensor>, ISftModel
{
    private readonly Embedding tokens;
    private readonly Embedding positions;
    private readonly Linear qkv;
    private readonly Linear output;
    private readonly Linear up;
    private readonly Linear head;
    private readonly int _heads;

    public TinyAttentionModel(int vocab, int maxPositions = 256, int width = 32, int heads = 2, long seed = 1) : base("tiny")
    {
        torch.manual_seed(seed);
        tokens = nn.Embedding(vocab, width);
        positions = nn.Embedding(maxPositions, width);
        qkv = nn.Linear(width, 3 * width);
        output = nn.Linear(width, width);
        up = nn.Linear(width, width);
        head = nn.Linear(width, vocab);
        _heads = heads;
        RegisterComponents();
    }

    public bool SupportsPacking => true;
    public nn.Module Module => this;
    public Tensor Forward(TokenBatch batch) => forward(batch);

    public override Tensor forward(TokenBatch batch)
    {
        var x = tokens.forward(batch.InputIds) + positions.forward(batch.PositionIds);
        long b = x.shape[0], t = x.shape[1], width = x.shape[2];
        var parts = qkv.forward(x).view(b, t, 3, _heads, width / _heads).permute(2, 0, 3, 1, 4);
        var attended = nn.functional.scaled_dot_product_attention(parts[0], parts[1], parts[2], batch.AttentionMask);
        x = x + output.forward(attended.transpose(1, 2).reshape(b, t, width));
        x = x + nn.functional.gelu(up.forward(x));
        return head.forward(x);
    }

    public Task SaveAsync(string directory, CancellationToken cancellationToken)
    {
        save(Path.Combine(directory, "tiny.bin"));
        return Task.CompletedTask;
    }

    public void Load(string directory) => load(Path.Combine(directory, "tiny.bin"));
}
