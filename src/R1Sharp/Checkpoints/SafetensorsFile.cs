using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Checkpoints;

/// <summary>
/// A safetensors file opened for reading. The header is validated completely before any tensor is read: its
/// length lies within the file, it is well-formed JSON, every dtype is known, every shape matches its byte range,
/// and the byte ranges lie within the data section without overlapping. Tensor bytes are streamed in chunks
/// straight into the destination, so reading a file never needs twice its size in memory.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    /// <summary>Largest header accepted (the reference implementation's limit is 100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Bytes copied per chunk when streaming a tensor.</summary>
    private const int ChunkBytes = 16 << 20;

    private readonly SafeFileHandle _handle;
    private readonly long _dataStart;

    private SafetensorsFile(string path, SafeFileHandle handle, long dataStart, Dictionary<string, SafetensorsEntry> entries, Dictionary<string, string> metadata)
    {
        Path = path;
        _handle = handle;
        _dataStart = dataStart;
        Entries = entries;
        Metadata = metadata;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>Tensors by name, in header order.</summary>
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }

    /// <summary>The <c>__metadata__</c> string map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens <paramref name="path"/> and validates its header.</summary>
    /// <exception cref="InvalidDataException">The header is invalid; the message names the file and, where one is at fault, the tensor.</exception>
    public static SafetensorsFile Open(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            long length = RandomAccess.GetLength(handle);
            if (length < 8) throw new InvalidDataException($"{path}: not a safetensors file (only {length} bytes; the 8-byte header length is missing)");
            Span<byte> prefix = stackalloc byte[8];
            RandomAccess.Read(handle, prefix, 0);
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength > (ulong)(length - 8))
                throw new InvalidDataException($"{path}: header length {headerLength} runs past the end of the file ({length} bytes): truncated or not safetensors");
            if (headerLength > MaxHeaderBytes)
                throw new InvalidDataException($"{path}: header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
            var header = new byte[headerLength];
            if (RandomAccess.Read(handle, header, 8) != header.Length)
                throw new InvalidDataException($"{path}: could not read the {headerLength}-byte header");
            long dataLength = length - 8 - (long)headerLength;
            var (entries, metadata) = ParseHeader(header, dataLength, path);
            return new SafetensorsFile(path, handle, 8 + (long)headerLength, entries, metadata);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Reads a tensor into a new CPU tensor of its stored dtype (or converted to <paramref name="dtype"/>) on <paramref name="device"/>.</summary>
    /// <exception cref="KeyNotFoundException">No tensor of that name in the file.</exception>
    public Tensor Read(string name, Device? device = null, ScalarType? dtype = null)
    {
        var entry = Find(name);
        var type = dtype ?? SafetensorsDtype.ToScalarType(entry.Dtype);
        var result = torch.empty(entry.Shape, type, device ?? torch.CPU);
        try
        {
            CopyInto(name, result);
        }
        catch
        {
            result.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>
    /// Copies a tensor into <paramref name="destination"/> (same shape; any dtype and device: values are converted),
    /// a chunk at a time.
    /// </summary>
    /// <exception cref="InvalidDataException">The stored shape differs from the destination's; the message names the tensor and the file.</exception>
    public void CopyInto(string name, Tensor destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var entry = Find(name);
        if (!entry.Shape.SequenceEqual(destination.shape))
            throw new InvalidDataException($"{Path}: tensor '{name}' has shape {entry.ShapeText} but the model expects [{string.Join(", ", destination.shape)}]");
        var type = SafetensorsDtype.ToScalarType(entry.Dtype);
        int size = SafetensorsDtype.ElementSize(entry.Dtype);
        long total = entry.ElementCount;
        if (total == 0) return;
        using var noGrad = torch.no_grad();
        using var flat = destination.view(-1);
        long perChunk = Math.Max(1, ChunkBytes / size);
        var buffer = new byte[Math.Min(perChunk, total) * size];
        for (long start = 0; start < total; start += perChunk)
        {
            long count = Math.Min(perChunk, total - start);
            int bytes = checked((int)(count * size));
            var span = buffer.AsSpan(0, bytes);
            long offset = _dataStart + entry.Begin + start * size;
            int read = 0;
            while (read < bytes)
            {
                int n = RandomAccess.Read(_handle, span[read..], offset + read);
                if (n == 0) throw new InvalidDataException($"{Path}: tensor '{name}' ends early (file truncated while reading)");
                read += n;
            }
            using var staging = torch.empty([count], type, torch.CPU);
            staging.bytes = span;
            using var target = flat.narrow(0, start, count);
            target.copy_(staging);
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _handle.Dispose();

    private SafetensorsEntry Find(string name) =>
        Entries.TryGetValue(name, out var entry) ? entry : throw new KeyNotFoundException($"{Path}: no tensor named '{name}'");

    private static (Dictionary<string, SafetensorsEntry>, Dictionary<string, string>) ParseHeader(byte[] header, long dataLength, string path)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: header is not valid JSON ({e.Message})", e);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"{path}: header is not valid UTF-8", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{path}: header must be a JSON object");
            var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    if (property.Value.ValueKind != JsonValueKind.Object)
                        throw new InvalidDataException($"{path}: __metadata__ must be an object of strings");
                    foreach (var m in property.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String)
                            throw new InvalidDataException($"{path}: __metadata__ value '{m.Name}' must be a string");
                        metadata[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                if (entries.ContainsKey(property.Name))
                    throw new InvalidDataException($"{path}: tensor '{property.Name}' appears twice in the header");
                entries[property.Name] = ParseEntry(property.Name, property.Value, dataLength, path);
            }
            CheckNoOverlap(entries.Values, path);
            return (entries, metadata);
        }
    }

    private static SafetensorsEntry ParseEntry(string name, JsonElement e, long dataLength, string path)
    {
        string Where() => $"{path}: tensor '{name}'";
        if (e.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{Where()}: entry must be an object");
        if (!e.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw new InvalidDataException($"{Where()}: 'dtype' is missing or not a string");
        string dtype = dtypeElement.GetString()!;
        if (!SafetensorsDtype.IsKnown(dtype))
            throw new InvalidDataException($"{Where()}: unsupported dtype '{dtype}' (supported: {string.Join(", ", SafetensorsDtype.Names)})");
        if (!e.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{Where()}: 'shape' is missing or not an array");
        var shape = new long[shapeElement.GetArrayLength()];
        int i = 0;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim) || dim < 0)
                throw new InvalidDataException($"{Where()}: shape entry {i} is not a non-negative integer");
            shape[i++] = dim;
        }
        if (!e.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw new InvalidDataException($"{Where()}: 'data_offsets' must be [begin, end]");
        long begin = ReadOffset(offsets[0], Where), end = ReadOffset(offsets[1], Where);
        if (begin > end) throw new InvalidDataException($"{Where()}: data_offsets [{begin}, {end}] end before they begin");
        if (end > dataLength) throw new InvalidDataException($"{Where()}: data_offsets [{begin}, {end}] run past the data section ({dataLength} bytes): file truncated or header corrupt");
        long expected;
        try
        {
            expected = checked(shape.Aggregate(1L, (a, b) => a * b) * SafetensorsDtype.ElementSize(dtype));
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"{Where()}: shape [{string.Join(", ", shape)}] is too large");
        }
        if (end - begin != expected)
            throw new InvalidDataException($"{Where()}: {end - begin} bytes stored but shape [{string.Join(", ", shape)}] of {dtype} needs {expected}");
        return new SafetensorsEntry(name, dtype, shape, begin, end);
    }

    private static long ReadOffset(JsonElement e, Func<string> where) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long v) && v >= 0 ? v
            : throw new InvalidDataException($"{where()}: data_offsets must be non-negative integers");

    private static void CheckNoOverlap(IEnumerable<SafetensorsEntry> entries, string path)
    {
        SafetensorsEntry? previous = null;
        foreach (var entry in entries.Where(x => x.ByteLength > 0).OrderBy(x => x.Begin))
        {
            if (previous is not null && entry.Begin < previous.End)
                throw new InvalidDataException($"{path}: tensor '{entry.Name}' bytes [{entry.Begin}, {entry.End}) overlap tensor '{previous.Name}' [{previous.Begin}, {previous.End})");
            previous = entry;
        }
    }
}
