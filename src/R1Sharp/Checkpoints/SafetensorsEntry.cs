namespace R1Sharp.Checkpoints;

/// <summary>One tensor described by a safetensors header (already validated against the file).</summary>
/// <param name="Name">Tensor name (e.g. <c>model.layers.0.mlp.up_proj.weight</c>).</param>
/// <param name="Dtype">Safetensors dtype name (F32, BF16, ...).</param>
/// <param name="Shape">Dimensions.</param>
/// <param name="Begin">Start of its bytes, relative to the data section.</param>
/// <param name="End">End (exclusive) of its bytes, relative to the data section.</param>
public sealed record SafetensorsEntry(string Name, string Dtype, long[] Shape, long Begin, long End)
{
    /// <summary>Number of elements (product of the shape; 1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Byte length.</summary>
    public long ByteLength => End - Begin;

    /// <summary>Shape as text, e.g. [896, 4864].</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
