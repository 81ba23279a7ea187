using System.Text.Json;
using R1Sharp.Data;

namespace R1Sharp.Tests.Data;

public sealed class DatasetValidationTests
{
    private static DatasetRow Row(int line, string json) =>
        new("d.jsonl", line, JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!);

    private static string? NeedsPrompt(DatasetRow row) => row.GetString("prompt") is { Length: > 0 } ? null : "field 'prompt' is missing";

    [Fact]
    public void AGoodDataSetPasses() =>
        DatasetValidation.ThrowIfInvalid("d.jsonl", [Row(1, "{\"prompt\":\"a\"}"), Row(2, "{\"prompt\":\"b\"}")], NeedsPrompt);

    [Fact]
    public void AnEmptyDataSetIsNamed()
    {
        var e = Assert.Throws<DatasetFormatException>(() => DatasetValidation.ThrowIfInvalid("d.jsonl", [], NeedsPrompt));
        Assert.Equal("d.jsonl:0: the data set has no rows", e.Message);
    }

    [Fact]
    public void BadRowsAreCountedAndTheFirstFiveNamedByLine()
    {
        var rows = Enumerable.Range(1, 10).Select(i => Row(i, i % 2 == 0 ? "{\"x\":1}" : "{\"prompt\":\"ok\"}")).ToList();
        rows.AddRange(Enumerable.Range(11, 4).Select(i => Row(i, "{}")));
        var e = Assert.Throws<DatasetFormatException>(() => DatasetValidation.ThrowIfInvalid("d.jsonl", rows, NeedsPrompt));
        Assert.Equal(2, e.Line);
        Assert.Equal("9 of 14 rows cannot be used: line 2: field 'prompt' is missing; line 4: field 'prompt' is missing; " +
            "line 6: field 'prompt' is missing; line 8: field 'prompt' is missing; line 10: field 'prompt' is missing; and 4 more", e.Problem);
    }
}
