using System.Text.Json;
using R1Sharp.Data;
using R1Sharp.Evaluation.Benchmarks;
using R1Sharp.Testing;

namespace R1Sharp.Tests.Evaluation;

public sealed class BenchmarkLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-bench-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static List<JsonElement> RawRows(string path) =>
        File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    [Fact]
    public async Task Math500PresetReadsProblemAnswerAndUniqueId()
    {
        string path = SharedData.Path("benchmarks", "math500.jsonl");
        var questions = await BenchmarkLoader.LoadAsync(BenchmarkDefinition.FromPreset(BenchmarkPresets.Math500, path));
        var raw = RawRows(path);
        Assert.Equal(raw.Count, questions.Count);
        Assert.Equal(questions.Count, questions.Select(q => q.Id).Distinct().Count());
        for (int i = 0; i < raw.Count; i += 97)
        {
            Assert.Equal(raw[i].GetProperty("problem").GetString()!.Trim(), questions[i].Question);
            Assert.Equal(raw[i].GetProperty("answer").GetString()!.Trim(), questions[i].Gold);
            Assert.Equal(raw[i].GetProperty("unique_id").GetString(), questions[i].Id);
        }
    }

    [Fact]
    public async Task Aime24PresetKeepsLeadingZerosAndNumericIds()
    {
        string path = SharedData.Path("benchmarks", "aime24.jsonl");
        var questions = await BenchmarkLoader.LoadAsync(BenchmarkDefinition.FromPreset(BenchmarkPresets.Aime24, path));
        var raw = RawRows(path);
        Assert.Equal(raw.Select(r => r.GetProperty("answer").GetString()), questions.Select(q => q.Gold));
        Assert.Contains(questions, q => q.Gold.StartsWith('0'));
        Assert.Equal(raw.Select(r => r.GetProperty("id").GetRawText()), questions.Select(q => q.Id));
        Assert.Equal(64, BenchmarkPresets.Aime24.DefaultSamples);
    }

    [Fact]
    public async Task Gsm8kPresetTakesTheGoldAfterTheMarkerAndNumbersRows()
    {
        string path = SharedData.Path("benchmarks", "gsm8k_test.jsonl");
        var questions = await BenchmarkLoader.LoadAsync(BenchmarkDefinition.FromPreset(BenchmarkPresets.Gsm8k, path));
        var raw = RawRows(path);
        Assert.Equal(raw.Count, questions.Count);
        for (int i = 0; i < raw.Count; i += 131)
        {
            string solution = raw[i].GetProperty("answer").GetString()!;
            Assert.Equal(solution.Split("####")[^1].Trim(), questions[i].Gold);
            Assert.DoesNotContain("####", questions[i].Gold);
            Assert.Equal((i + 1).ToString(), questions[i].Id);
        }
    }

    [Fact]
    public async Task InvalidJsonIsReportedWithItsLineNumber()
    {
        string path = Path.Combine(_dir, "bad.jsonl");
        await File.WriteAllLinesAsync(path, ["{\"problem\":\"1+1\",\"answer\":\"2\"}", "", "{\"problem\": \"2+2\", \"answer\": 4", "{}"]);
        var error = await Assert.ThrowsAsync<DatasetFormatException>(() =>
            BenchmarkLoader.LoadAsync(BenchmarkDefinition.FromPreset(BenchmarkPresets.Math500, path) with { IdField = null }));
        Assert.Equal(3, error.Line);
        Assert.Contains("bad.jsonl:3:", error.Message);
    }

    [Fact]
    public async Task AMissingMappedFieldNamesTheFieldAndLine()
    {
        string path = Path.Combine(_dir, "fields.jsonl");
        await File.WriteAllLinesAsync(path, ["{\"q\":\"1+1\",\"a\":\"2\"}", "{\"q\":\"2+2\",\"gold\":\"4\"}"]);
        var definition = new BenchmarkDefinition("custom", path, "q", "a", null, null, 4, false);
        var error = await Assert.ThrowsAsync<DatasetFormatException>(() => BenchmarkLoader.LoadAsync(definition));
        Assert.Equal(2, error.Line);
        Assert.Contains("'a'", error.Message);
        Assert.Contains("gold", error.Message);
    }

    [Fact]
    public async Task AGoldWithoutItsMarkerAndADuplicateIdAreErrors()
    {
        string noMarker = Path.Combine(_dir, "gsm.jsonl");
        await File.WriteAllLinesAsync(noMarker, ["{\"question\":\"x\",\"answer\":\"so 3\\n#### 3\"}", "{\"question\":\"y\",\"answer\":\"so 4\"}"]);
        var markerError = await Assert.ThrowsAsync<DatasetFormatException>(() =>
            BenchmarkLoader.LoadAsync(BenchmarkDefinition.FromPreset(BenchmarkPresets.Gsm8k, noMarker)));
        Assert.Equal(2, markerError.Line);
        Assert.Contains("####", markerError.Message);

        string duplicate = Path.Combine(_dir, "dup.jsonl");
        await File.WriteAllLinesAsync(duplicate, ["{\"id\":1,\"problem\":\"x\",\"answer\":\"1\"}", "{\"id\":2,\"problem\":\"y\",\"answer\":\"2\"}", "{\"id\":1,\"problem\":\"z\",\"answer\":\"3\"}"]);
        var duplicateError = await Assert.ThrowsAsync<DatasetFormatException>(() =>
            BenchmarkLoader.LoadAsync(BenchmarkDefinition.FromPreset(BenchmarkPresets.Aime24, duplicate)));
        Assert.Equal(3, duplicateError.Line);
        Assert.Contains("line 1", duplicateError.Message);
    }

    [Fact]
    public async Task AJsonArrayFileIsReadToo()
    {
        string path = Path.Combine(_dir, "set.json");
        await File.WriteAllTextAsync(path, "[{\"problem\":\"1+1\",\"answer\":2},{\"problem\":\"2+3\",\"answer\":\"5\"}]");
        var questions = await BenchmarkLoader.LoadAsync(BenchmarkDefinition.FromPreset(BenchmarkPresets.Math500, path) with { IdField = null });
        Assert.Equal(["2", "5"], questions.Select(q => q.Gold));
        Assert.Equal(["1", "2"], questions.Select(q => q.Id));
    }
}
