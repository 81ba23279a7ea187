using System.Text.Json;
using R1Sharp.Cli;

namespace R1Sharp.Tests.Cli;

public class VerifyCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-verify-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(int Exit, JsonElement[] Lines)> RunAsync(params string[] inputLines)
    {
        string input = Path.Combine(_dir, "in.jsonl");
        string output = Path.Combine(_dir, "out.jsonl");
        await File.WriteAllLinesAsync(input, inputLines);
        int exit = await CliApp.BuildRoot().Parse(["verify", "--input", input, "--output", output]).InvokeAsync();
        var lines = (await File.ReadAllLinesAsync(output)).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray();
        return (exit, lines);
    }

    [Fact]
    public async Task Writes_one_verdict_per_line_in_input_order()
    {
        var inputs = Enumerable.Range(0, 200)
            .Select(i => JsonSerializer.Serialize(new { id = i, gold = (i % 7).ToString(), response = $"so \\boxed{{{i % 5}}}" }))
            .ToArray();
        var (exit, lines) = await RunAsync(inputs);
        Assert.Equal(0, exit);
        Assert.Equal(200, lines.Length);
        for (int i = 0; i < 200; i++)
        {
            Assert.Equal(i, lines[i].GetProperty("id").GetInt32());
            Assert.Equal(i % 7 == i % 5, lines[i].GetProperty("correct").GetBoolean());
            Assert.Equal((i % 5).ToString(), lines[i].GetProperty("extracted").GetString());
        }
    }

    [Fact]
    public async Task A_bad_line_gets_an_error_naming_its_line_and_the_run_continues()
    {
        var (exit, lines) = await RunAsync(
            """{"id": "a", "gold": "\\frac12", "response": "\\boxed{0.5}"}""",
            "{not json",
            """{"id": "c", "gold": "3"}""",
            """{"id": "d", "gold": "3", "response": "\\boxed{3}"}""");
        Assert.Equal(2, exit); // usage error (README, "Exit codes")
        Assert.Equal(4, lines.Length);
        Assert.True(lines[0].GetProperty("correct").GetBoolean());
        Assert.Contains("line 2", lines[1].GetProperty("error").GetString());
        Assert.Contains("line 3", lines[2].GetProperty("error").GetString());
        Assert.Contains("response", lines[2].GetProperty("error").GetString());
        Assert.True(lines[3].GetProperty("correct").GetBoolean());
    }

    [Fact]
    public async Task An_unparsable_answer_is_reported()
    {
        var (_, lines) = await RunAsync("""{"id": 1, "gold": "5", "response": "\\boxed{\\frac{1}{}"}""", """{"id": 2, "gold": "5", "response": "no answer here at all really"}""");
        Assert.False(lines[0].GetProperty("correct").GetBoolean());
        Assert.True(lines[0].TryGetProperty("error", out _));
        Assert.False(lines[1].GetProperty("correct").GetBoolean());
        Assert.Equal(JsonValueKind.Null, lines[1].GetProperty("extracted").ValueKind);
    }
}
