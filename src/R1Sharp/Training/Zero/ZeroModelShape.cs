namespace R1Sharp.Training.Zero;

/// <summary>Shape of the built-in base model (a Qwen2-style decoder: RMSNorm, RoPE, GQA, SwiGLU, tied embeddings).</summary>
/// <param name="Hidden">hidden_size. Default 128.</param>
/// <param name="Layers">num_hidden_layers. Default 4.</param>
/// <param name="Heads">num_attention_heads. Default 4.</param>
/// <param name="KvHeads">num_key_value_heads. Default 2.</param>
/// <param name="Intermediate">intermediate_size of the SwiGLU MLP. Default 384.</param>
public sealed record ZeroModelShape(int Hidden = 128, int Layers = 4, int Heads = 4, int KvHeads = 2, int Intermediate = 384);
