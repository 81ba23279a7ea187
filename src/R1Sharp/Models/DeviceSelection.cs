using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Models;

/// <summary>Parses the device strings users type (<c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>) into torch devices.</summary>
public static class DeviceSelection
{
    /// <summary>
    /// Parses <paramref name="text"/> (case-insensitive): <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>. <c>auto</c> picks
    /// <c>cuda</c> when the loaded libtorch has CUDA, else <c>cpu</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown device text, or CUDA asked for where the loaded libtorch has none.</exception>
    public static Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToLowerInvariant();
        if (t == "cpu") return CPU;
        if (t == "auto") return torch.cuda.is_available() ? CUDA : CPU;
        if (t == "cuda" || t.StartsWith("cuda:", StringComparison.Ordinal))
        {
            int index = 0;
            if (t.Length > 4 && !int.TryParse(t.AsSpan(5), out index) || index < 0)
                throw new ArgumentException($"device '{text}': expected cuda:N with N a non-negative integer");
            if (!torch.cuda.is_available())
                throw new ArgumentException($"device '{text}': this build's libtorch has no CUDA (build with -p:TorchBackend=cuda on a machine with an NVIDIA GPU), use 'cpu'");
            if (index >= torch.cuda.device_count())
                throw new ArgumentException($"device '{text}': only {torch.cuda.device_count()} CUDA device(s) present");
            return torch.device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"device '{text}': expected cpu, cuda, cuda:N or auto");
    }

    /// <summary>Parses a dtype name: <c>f32</c>/<c>float32</c>, <c>bf16</c>/<c>bfloat16</c>, <c>f16</c>/<c>float16</c>.</summary>
    /// <exception cref="ArgumentException">Unknown dtype name.</exception>
    public static ScalarType ParseDtype(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Trim().ToLowerInvariant() switch
        {
            "f32" or "fp32" or "float32" or "float" => ScalarType.Float32,
            "bf16" or "bfloat16" => ScalarType.BFloat16,
            "f16" or "fp16" or "float16" or "half" => ScalarType.Float16,
            _ => throw new ArgumentException($"dtype '{text}': expected f32, bf16 or f16"),
        };
    }

    /// <summary>Parses an optional dtype name (<see cref="ParseDtype"/>); null when none was given (the checkpoint's own dtype is kept).</summary>
    /// <exception cref="ArgumentException">Unknown dtype name.</exception>
    public static ScalarType? ParseOptionalDtype(string? text) => text is null ? null : ParseDtype(text);

    /// <summary>The torch_dtype name Hugging Face writes for <paramref name="dtype"/> (float32, bfloat16, float16).</summary>
    /// <exception cref="ArgumentException">Not a floating-point weight dtype.</exception>
    public static string HuggingFaceDtypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float16 => "float16",
        _ => throw new ArgumentException($"dtype {dtype} is not a supported weight dtype (float32, bfloat16, float16)"),
    };
}
