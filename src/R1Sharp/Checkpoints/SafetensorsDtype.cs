using static TorchSharp.torch;

namespace R1Sharp.Checkpoints;

/// <summary>The dtype names of the safetensors format and their torch equivalents.</summary>
public static class SafetensorsDtype
{
    private static readonly Dictionary<string, (ScalarType Type, int Size)> Known = new(StringComparer.Ordinal)
    {
        ["F32"] = (ScalarType.Float32, 4),
        ["F16"] = (ScalarType.Float16, 2),
        ["BF16"] = (ScalarType.BFloat16, 2),
        ["F64"] = (ScalarType.Float64, 8),
        ["I64"] = (ScalarType.Int64, 8),
        ["I32"] = (ScalarType.Int32, 4),
        ["I16"] = (ScalarType.Int16, 2),
        ["I8"] = (ScalarType.Int8, 1),
        ["U8"] = (ScalarType.Byte, 1),
        ["BOOL"] = (ScalarType.Bool, 1),
    };

    /// <summary>The dtype names this reader accepts.</summary>
    public static IReadOnlyCollection<string> Names => Known.Keys;

    /// <summary>Whether <paramref name="name"/> is a dtype this reader understands.</summary>
    public static bool IsKnown(string name) => Known.ContainsKey(name);

    /// <summary>The torch type of a safetensors dtype name.</summary>
    /// <exception cref="KeyNotFoundException">Unknown name.</exception>
    public static ScalarType ToScalarType(string name) => Known[name].Type;

    /// <summary>Bytes per element of a safetensors dtype name.</summary>
    /// <exception cref="KeyNotFoundException">Unknown name.</exception>
    public static int ElementSize(string name) => Known[name].Size;

    /// <summary>The safetensors name of a torch type.</summary>
    /// <exception cref="ArgumentException">The type has no safetensors name here.</exception>
    public static string FromScalarType(ScalarType type)
    {
        foreach (var (name, (t, _)) in Known)
            if (t == type) return name;
        throw new ArgumentException($"dtype {type} cannot be written to safetensors (supported: {string.Join(", ", Known.Values.Select(v => v.Type))})");
    }
}
