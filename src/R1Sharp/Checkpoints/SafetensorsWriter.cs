using R1Sharp.IO;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Checkpoints;

/// <summary>
/// Writes safetensors files: 8-byte little-endian header length, a JSON header padded with spaces to a multiple of
/// 8 bytes (so tensor data stays aligned), then each tensor's bytes in row-major order. Written to a temporary
/// file beside the target and renamed, so a crash never leaves a half-written file under the final name.
/// </summary>
public static class SafetensorsWriter
{
    private const long ChunkElements = 4 << 20;

    /// <summary>Bytes a file of these tensors will take (header excluded).</summary>
    public static long DataBytes(IEnumerable<Tensor> tensors) => tensors.Sum(t => t.numel() * t.ElementSize);

    /// <summary>Writes <paramref name="tensors"/> (in the given order, each in its own dtype) to <paramref name="path"/>.</summary>
    /// <param name="path">Destination file (replaced atomically if it exists).</param>
    /// <param name="tensors">Name and tensor pairs; any device; names must be unique.</param>
    /// <param name="metadata">The <c>__metadata__</c> map; transformers expects {"format": "pt"}.</param>
    /// <param name="cancellationToken">Checked between tensors; the partial temp file is removed.</param>
    /// <exception cref="ArgumentException">Duplicate names or an unsupported dtype.</exception>
    public static void Write(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        byte[] header = BuildHeader(tensors, metadata ?? new Dictionary<string, string> { ["format"] = "pt" });
        AtomicFile.Write(path, stream =>
        {
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            stream.Write(prefix);
            stream.Write(header);
            foreach (var (_, tensor) in tensors)
            {
                cancellationToken.ThrowIfCancellationRequested();
                WriteData(stream, tensor);
            }
        });
    }

    private static byte[] BuildHeader(IReadOnlyList<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            foreach (var (k, v) in metadata) json.WriteString(k, v);
            json.WriteEndObject();
            long offset = 0;
            foreach (var (name, tensor) in tensors)
            {
                if (name == "__metadata__" || !names.Add(name)) throw new ArgumentException($"tensor name '{name}' is used twice or reserved");
                long bytes = tensor.numel() * tensor.ElementSize;
                json.WriteStartObject(name);
                json.WriteString("dtype", SafetensorsDtype.FromScalarType(tensor.dtype));
                json.WriteStartArray("shape");
                foreach (long d in tensor.shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        int length = (int)buffer.Length;
        int padded = (length + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.GetBuffer().AsSpan(0, length).CopyTo(header);
        header.AsSpan(length).Fill((byte)' ');
        return header;
    }

    private static void WriteData(Stream stream, Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        var flat = tensor.detach().reshape(-1);
        long total = flat.numel();
        for (long start = 0; start < total; start += ChunkElements)
        {
            long count = Math.Min(ChunkElements, total - start);
            // A fresh contiguous CPU copy of the chunk: its bytes are exactly the row-major data.
            using var chunk = flat.narrow(0, start, count).to(torch.CPU).clone();
            stream.Write(chunk.bytes);
        }
    }
}
