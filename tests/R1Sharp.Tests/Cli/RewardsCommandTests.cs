using System.CommandLine;
using System.Text.Json;
using R1Sharp.Cli;

namespace R1Sharp.Tests.Cli;

public class RewardsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-rewards-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliApp.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private string Samples(params string[] lines)
    {
        string path = Path.Combine(_dir, "samples.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void List_shows_every_built_in_reward()
    {
        var (exit, output, _) = Run("rewards", "list");
        Assert.Equal(0, exit);
        foreach (string name in new[] { "format", "tag_count", "language", "cosine", "repetition", "overlong" })
            Assert.Contains(name, output);
    }

    [Fact]
    public void Score_writes_each_rows_scores_and_weighted_total()
    {
        string data = Samples(
            """{"prompt": "Assistant:", "completion": "<think>sum</think><answer>2</answer>", "completion_tokens": 9, "id": 1}""",
            """{"prompt": "Assistant:", "completion": "no format here", "completion_tokens": 3, "id": 2}""");
        string scored = Path.Combine(_dir, "out", "scored.jsonl");
        var (exit, output, error) = Run("rewards", "score", "--data", data, "--reward", "format:0.5,tag_count:2", "--output", scored);
        Assert.True(exit == 0, error);
        Assert.Contains("format", output);

        string[] lines = File.ReadAllLines(scored);
        Assert.Equal(2, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal(1, first.RootElement.GetProperty("id").GetInt32());
        Assert.Equal(1.0, first.RootElement.GetProperty("rewards").GetProperty("format").GetDouble());
        Assert.Equal(0.5 * 1.0 + 2 * 1.0, first.RootElement.GetProperty("reward").GetDouble());
        using var second = JsonDocument.Parse(lines[1]);
        Assert.Equal(0.0, second.RootElement.GetProperty("reward").GetDouble());
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir, "out"), "*.tmp"));
    }

    [Theory]
    [InlineData("format:x", "weight 'x'")]
    [InlineData("acurracy:1", "known rewards")]
    [InlineData("repetition(ngram=3)", "ngram_size")]
    public void A_bad_spec_exits_2_naming_the_problem(string spec, string expected)
    {
        string data = Samples("""{"completion": "x", "completion_tokens": 1}""");
        var (exit, _, error) = Run("rewards", "score", "--data", data, "--reward", spec);
        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void A_row_without_the_completion_field_is_reported_with_file_and_line()
    {
        string data = Samples("""{"completion": "ok", "completion_tokens": 1}""", """{"text": "wrong field"}""");
        var (exit, _, error) = Run("rewards", "score", "--data", data, "--reward", "format");
        Assert.Equal(2, exit);
        Assert.Contains("samples.jsonl:2", error);
        Assert.Contains("'completion'", error);
    }

    [Fact]
    public void A_length_reward_without_token_counts_names_the_row()
    {
        string data = Samples("""{"completion": "some text"}""");
        var (exit, _, error) = Run("rewards", "score", "--data", data, "--reward", "overlong");
        Assert.Equal(2, exit);
        Assert.Contains("samples.jsonl:1", error);
        Assert.Contains("CompletionTokens", error);
    }
}
