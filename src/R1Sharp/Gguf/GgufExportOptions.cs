namespace R1Sharp.Gguf;

/// <summary>Settings of a GGUF export (what llama.cpp's convert_hf_to_gguf.py asks with --outtype and friends).</summary>
public sealed record GgufExportOptions
{
    /// <summary>
    /// Element type of the weight matrices: <see cref="GgufTensorType.F32"/> (default; exact) or
    /// <see cref="GgufTensorType.F16"/> / <see cref="GgufTensorType.BF16"/> (half the size). 1-D tensors (norms, biases) are always F32, as in llama.cpp's converter.
    /// </summary>
    public GgufTensorType Type { get; init; } = GgufTensorType.F32;

    /// <summary><c>general.name</c> in the file. Default "R1Sharp model".</summary>
    public string Name { get; init; } = "R1Sharp model";

    /// <summary>The chat template stored as <c>tokenizer.chat_template</c> (llama.cpp's server uses it), or null for none. Default null.</summary>
    public string? ChatTemplate { get; init; }
}
