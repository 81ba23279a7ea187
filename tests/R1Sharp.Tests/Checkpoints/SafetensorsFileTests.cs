using System.Buffers.Binary;
using System.Text;
using R1Sharp.Checkpoints;
using R1Sharp.Tests.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Tests.Checkpoints;

public class SafetensorsFileTests
{
    /// <summary>Writes a file with a hand-made header and <paramref name="dataBytes"/> bytes of data.</summary>
    private static string Craft(TempDirectory dir, string header, int dataBytes, string name = "crafted.safetensors")
    {
        string path = dir.Combine(name);
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)h.Length);
        h.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.Int64)]
    public void WriteThenReadIsBitExact(ScalarType dtype)
    {
        using var dir = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        var gen = new torch.Generator(1);
        var a = (torch.randn([3, 5], generator: gen) * 100).to(dtype);
        var b = (torch.randn([7], generator: gen) * 100).to(dtype);
        var empty = torch.zeros([0, 4], dtype);
        string path = dir.Combine("t.safetensors");
        SafetensorsWriter.Write(path, [("a", a), ("b.weight", b), ("empty", empty)]);
        using var file = SafetensorsFile.Open(path);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(["a", "b.weight", "empty"], file.Entries.Keys);
        Assert.True(TestModels.BitEqual(file.Read("a"), a));
        Assert.True(TestModels.BitEqual(file.Read("b.weight"), b));
        Assert.Equal(new long[] { 0, 4 }, file.Read("empty").shape);
        // Data section starts 8-byte aligned.
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(File.ReadAllBytes(path).AsSpan(0, 8));
        Assert.Equal(0, headerLength % 8);
    }

    [Fact]
    public void TruncatedFileIsRejectedNamingTensorAndFile()
    {
        using var dir = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        string path = dir.Combine("model.safetensors");
        SafetensorsWriter.Write(path, [("w", torch.ones([4, 4]))]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path));
        Assert.Contains("'w'", e.Message);
        Assert.Contains(path, e.Message);
        File.WriteAllBytes(path, bytes[..5]);
        e = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void HeaderLengthBeyondFileIsRejected()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("x.safetensors");
        var bytes = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1_000_000);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path));
        Assert.Contains("header length", e.Message);
    }

    [Fact]
    public void OverlappingOffsetsAreRejected()
    {
        using var dir = new TempDirectory();
        string path = Craft(dir, """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12);
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path));
        Assert.Contains("overlap", e.Message);
        Assert.Contains("'b'", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void OutOfRangeOffsetsAreRejected()
    {
        using var dir = new TempDirectory();
        string path = Craft(dir, """{"big":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}""", 16);
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path));
        Assert.Contains("'big'", e.Message);
        Assert.Contains("data section", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void UnknownDtypeIsRejectedByName()
    {
        using var dir = new TempDirectory();
        string path = Craft(dir, """{"q":{"dtype":"F8_E4M3","shape":[4],"data_offsets":[0,4]}}""", 4);
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path));
        Assert.Contains("F8_E4M3", e.Message);
        Assert.Contains("'q'", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void ShapeThatDisagreesWithByteRangeIsRejected()
    {
        using var dir = new TempDirectory();
        string path = Craft(dir, """{"m":{"dtype":"BF16","shape":[3,3],"data_offsets":[0,16]}}""", 16);
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path));
        Assert.Contains("'m'", e.Message);
        Assert.Contains("needs 18", e.Message);
    }

    [Fact]
    public void MalformedJsonIsRejected()
    {
        using var dir = new TempDirectory();
        string path = Craft(dir, """{"m":{"dtype":"F32",""", 0);
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path));
        Assert.Contains("JSON", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void CopyIntoRejectsShapeMismatchNamingTensorAndFile()
    {
        using var dir = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        string path = dir.Combine("w.safetensors");
        SafetensorsWriter.Write(path, [("layer.weight", torch.ones([4, 6]))]);
        using var file = SafetensorsFile.Open(path);
        var e = Assert.Throws<InvalidDataException>(() => file.CopyInto("layer.weight", torch.empty([6, 4])));
        Assert.Contains("'layer.weight'", e.Message);
        Assert.Contains(path, e.Message);
        Assert.Contains("[4, 6]", e.Message);
    }
}
