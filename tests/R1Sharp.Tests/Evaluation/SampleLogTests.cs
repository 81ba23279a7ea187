using System.Text;
using R1Sharp.Evaluation.Results;

namespace R1Sharp.Tests.Evaluation;

public sealed class SampleLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-samplelog-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SampleRecord Record(string q, int i, bool correct, string? error = null) =>
        new(q, i, error is null ? $"answer \\boxed{{{i}}}" : null, error is null ? i.ToString() : null, correct, error is null ? 10 + i : null, false,
            error is null ? "stop" : null, error);

    [Fact]
    public async Task RecordsSurviveReopeningWithEveryField()
    {
        string path = Path.Combine(_dir, "b", "samples.jsonl");
        var written = new[] { Record("q1", 0, true), Record("q1", 1, false), Record("q\"2\n", 0, true) };
        await using (var log = await SampleLog.OpenAsync(path))
            foreach (var record in written) await log.AppendAsync(record);

        await using var reopened = await SampleLog.OpenAsync(path);
        Assert.Equal(0, reopened.DroppedPartialBytes);
        Assert.Equal(written.OrderBy(r => r.QuestionId).ThenBy(r => r.SampleIndex),
            reopened.Records.OrderBy(r => r.QuestionId).ThenBy(r => r.SampleIndex));
    }

    [Fact]
    public async Task ATornLastLineIsDroppedAndTheFileStaysAppendable()
    {
        string path = Path.Combine(_dir, "samples.jsonl");
        await using (var log = await SampleLog.OpenAsync(path))
        {
            await log.AppendAsync(Record("q1", 0, true));
            await log.AppendAsync(Record("q1", 1, true));
        }
        string torn = "{\"question_id\":\"q1\",\"sample_index\":2,\"respo";
        await File.AppendAllTextAsync(path, torn);

        await using (var log = await SampleLog.OpenAsync(path))
        {
            Assert.Equal(Encoding.UTF8.GetByteCount(torn), log.DroppedPartialBytes);
            Assert.Equal(2, log.Records.Count);
            await log.AppendAsync(Record("q1", 2, false));
        }
        string[] lines = File.ReadAllLines(path);
        Assert.Equal(3, lines.Length);
        Assert.DoesNotContain(lines, l => l.Contains("\"respo\"", StringComparison.Ordinal) || !l.EndsWith('}'));
    }

    [Fact]
    public async Task ALaterLineSupersedesAFailedSample()
    {
        string path = Path.Combine(_dir, "samples.jsonl");
        await using (var log = await SampleLog.OpenAsync(path))
        {
            await log.AppendAsync(Record("q1", 0, false, error: "HTTP 503"));
            await log.AppendAsync(Record("q1", 0, true));
        }
        await using var reopened = await SampleLog.OpenAsync(path);
        var only = Assert.Single(reopened.Records);
        Assert.False(only.Failed);
        Assert.True(only.Correct);
    }

    [Fact]
    public async Task ACorruptCompleteLineIsAnErrorNamingTheLine()
    {
        string path = Path.Combine(_dir, "samples.jsonl");
        await File.WriteAllTextAsync(path, "{\"question_id\":\"a\",\"sample_index\":0,\"correct\":true}\nnot json\n");
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => SampleLog.OpenAsync(path));
        Assert.Contains("samples.jsonl:2:", error.Message);
    }
}
