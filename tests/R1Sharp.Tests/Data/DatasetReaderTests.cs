using System.Text.Json;
using Parquet.Serialization;
using R1Sharp.Data;
using R1Sharp.Testing;

namespace R1Sharp.Tests.Data;

public sealed class DatasetReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-data-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string contents)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, contents);
        return path;
    }

    [Fact]
    public async Task JsonLinesKeepsLineNumbersAndSkipsBlankLines()
    {
        string path = Write("a.jsonl", "{\"q\":\"1+1\",\"answer\":2}\n\n{\"q\":\"x\",\"answer\":\"\\\\frac{1}{2}\",\"meta\":{\"k\":[1,2]}}\n");
        var rows = await DatasetReader.ReadAllAsync(path);
        Assert.Equal(2, rows.Count);
        Assert.Equal(1, rows[0].Number);
        Assert.Equal(3, rows[1].Number);
        Assert.Equal("2", rows[0].GetString("answer"));
        Assert.Equal("\\frac{1}{2}", rows[1].GetString("answer"));
        Assert.Equal(JsonValueKind.Object, rows[1].Fields["meta"].ValueKind);
        Assert.Null(rows[0].GetString("missing"));
    }

    [Fact]
    public async Task BadJsonLineIsAnErrorNamingFileAndLine()
    {
        string path = Write("bad.jsonl", "{\"a\":1}\n{\"a\":2}\n{\"a\": oops}\n");
        var error = await Assert.ThrowsAsync<DatasetFormatException>(() => DatasetReader.ReadAllAsync(path));
        Assert.Equal(3, error.Line);
        Assert.Contains("bad.jsonl:3", error.Message);
    }

    [Fact]
    public async Task NonObjectLineIsRejected()
    {
        string path = Write("arr.jsonl", "{\"a\":1}\n[1,2]\n");
        var error = await Assert.ThrowsAsync<DatasetFormatException>(() => DatasetReader.ReadAllAsync(path));
        Assert.Equal(2, error.Line);
        Assert.Contains("expected a JSON object", error.Message);
    }

    [Fact]
    public async Task RequireStringNamesTheFieldAndLine()
    {
        string path = Write("r.jsonl", "{\"question\":\"q\"}\n");
        var rows = await DatasetReader.ReadAllAsync(path);
        var error = Assert.Throws<DatasetFormatException>(() => rows[0].RequireString("answer"));
        Assert.Contains("r.jsonl:1", error.Message);
        Assert.Contains("'answer' is missing", error.Message);
        Assert.Contains("question", error.Message);
    }

    [Fact]
    public async Task JsonArrayAndDataWrapperAreRead()
    {
        var plain = await DatasetReader.ReadAllAsync(Write("p.json", "[{\"a\":1},{\"a\":2}]"));
        var wrapped = await DatasetReader.ReadAllAsync(Write("w.json", "{\"data\":[{\"a\":3}]}"));
        Assert.Equal(["1", "2"], plain.Select(r => r.GetString("a")));
        Assert.Equal("3", wrapped.Single().GetString("a"));
        var error = await Assert.ThrowsAsync<DatasetFormatException>(() => DatasetReader.ReadAllAsync(Write("n.json", "[{\"a\":1}, 5]")));
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public async Task UnknownExtensionAndMissingFileAreClearErrors()
    {
        await Assert.ThrowsAsync<DatasetFormatException>(() => DatasetReader.ReadAllAsync(Write("x.csv", "a,b")));
        await Assert.ThrowsAsync<FileNotFoundException>(() => DatasetReader.ReadAllAsync(Path.Combine(_dir, "none.jsonl")));
    }

    private sealed record ParquetRow(string Problem, string Answer, int Level);

    [Fact]
    public async Task ParquetRowsBecomeJsonFields()
    {
        string path = Path.Combine(_dir, "t.parquet");
        await ParquetSerializer.SerializeAsync(new[] { new ParquetRow("1+1", "2", 1), new ParquetRow("2*3", "6", 2) }, path);
        var rows = await DatasetReader.ReadAllAsync(path);
        Assert.Equal(2, rows.Count);
        Assert.Equal("2*3", rows[1].GetString("Problem"));
        Assert.Equal(2, rows[1].Fields["Level"].GetInt32());
    }

    [Fact]
    public async Task CorruptParquetIsAnErrorNamingTheFile()
    {
        string path = Write("c.parquet", "PAR1 this is not parquet PAR1");
        var error = await Assert.ThrowsAsync<DatasetFormatException>(() => DatasetReader.ReadAllAsync(path));
        Assert.Contains("c.parquet", error.Message);
    }

    [Fact]
    public async Task RealMath500Loads()
    {
        var rows = await DatasetReader.ReadAllAsync(SharedData.Path("benchmarks", "math500.jsonl"));
        Assert.Equal(500, rows.Count);
        Assert.All(rows, r => Assert.False(string.IsNullOrEmpty(r.GetString("answer"))));
    }
}
