using R1Sharp.IO;
using System.Text;

namespace R1Sharp.Gguf;

/// <summary>
/// Writes a GGUF version 3 file: header, metadata key/values, tensor infos, then the tensor data, each piece aligned
/// to <see cref="Alignment"/> bytes. Values are little-endian, strings are u64 length + UTF-8 bytes; tensor dimensions
/// are written innermost first (the reverse of PyTorch's shape), as ggml expects.
/// </summary>
internal sealed class GgufFileWriter
{
    public const int Alignment = 32;

    private enum ValueType : uint
    {
        UInt32 = 4,
        Int32 = 5,
        Float32 = 6,
        Bool = 7,
        String = 8,
        Array = 9,
    }

    private readonly List<(string Key, Action<BinaryWriter> WriteValue)> _metadata = [];
    private readonly List<(string Name, long[] Shape, GgufTensorType Type, Func<byte[]> Data)> _tensors = [];

    public void Add(string key, uint value) => _metadata.Add((key, w => { w.Write((uint)ValueType.UInt32); w.Write(value); }));

    public void Add(string key, float value) => _metadata.Add((key, w => { w.Write((uint)ValueType.Float32); w.Write(value); }));

    public void Add(string key, bool value) => _metadata.Add((key, w => { w.Write((uint)ValueType.Bool); w.Write((byte)(value ? 1 : 0)); }));

    public void Add(string key, string value) => _metadata.Add((key, w => { w.Write((uint)ValueType.String); WriteString(w, value); }));

    public void Add(string key, IReadOnlyList<string> values) => _metadata.Add((key, w =>
    {
        w.Write((uint)ValueType.Array);
        w.Write((uint)ValueType.String);
        w.Write((ulong)values.Count);
        foreach (string value in values) WriteString(w, value);
    }
    ));

    public void Add(string key, IReadOnlyList<int> values) => _metadata.Add((key, w =>
    {
        w.Write((uint)ValueType.Array);
        w.Write((uint)ValueType.Int32);
        w.Write((ulong)values.Count);
        foreach (int value in values) w.Write(value);
    }
    ));

    /// <summary>Adds a tensor; <paramref name="data"/> is called once, while writing, and must return the raw little-endian elements.</summary>
    public void AddTensor(string name, long[] shape, GgufTensorType type, Func<byte[]> data) => _tensors.Add((name, shape, type, data));

    /// <summary>Writes the file to a temporary name beside <paramref name="path"/>, then renames it.</summary>
    public void Save(string path, IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            WriteAll(writer, progress, cancellationToken);
        });
    }

    private void WriteAll(BinaryWriter w, IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        w.Write(0x46554747u); // "GGUF"
        w.Write(3u);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_metadata.Count);
        foreach (var (key, writeValue) in _metadata)
        {
            WriteString(w, key);
            writeValue(w);
        }
        ulong offset = 0;
        foreach (var (name, shape, type, _) in _tensors)
        {
            WriteString(w, name);
            w.Write((uint)shape.Length);
            for (int i = shape.Length - 1; i >= 0; i--) w.Write((ulong)shape[i]);
            w.Write((uint)type);
            w.Write(offset);
            long elements = shape.Aggregate(1L, (a, b) => a * b);
            offset = Align(offset + (ulong)(elements * (type == GgufTensorType.F32 ? 4 : 2)));
        }
        Pad(w);
        int done = 0;
        foreach (var (name, shape, type, data) in _tensors)
        {
            cancellationToken.ThrowIfCancellationRequested();
            byte[] bytes = data();
            long expected = shape.Aggregate(1L, (a, b) => a * b) * (type == GgufTensorType.F32 ? 4 : 2);
            if (bytes.LongLength != expected)
                throw new InvalidOperationException($"tensor {name}: {bytes.LongLength} bytes of data, expected {expected}");
            w.Write(bytes);
            Pad(w);
            progress?.Report((++done, _tensors.Count));
        }
    }

    private static ulong Align(ulong offset) => (offset + Alignment - 1) / Alignment * Alignment;

    private static void Pad(BinaryWriter w)
    {
        long position = w.BaseStream.Position;
        long padding = (long)Align((ulong)position) - position;
        for (long i = 0; i < padding; i++) w.Write((byte)0);
    }

    private static void WriteString(BinaryWriter w, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }
}
