using R1Sharp.Cli;
using R1Sharp.Tests.Text.Tokenization;

namespace R1Sharp.Tests.Sft;

public class SftCommandTests
{
    [Fact]
    public async Task ABadRowStopsTheRunWithTheFileAndLine()
    {
        string directory = SftTestData.TempDirectory();
        string data = Path.Combine(directory, "train.jsonl");
        await File.WriteAllLinesAsync(data, ["""{"prompt":"1+1?","completion":"2"}""", """{"prompt":"2+2?"}"""]);
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = await CliApp.BuildRoot()
            .Parse(["sft", "--model", TokenizerFixtureFiles.QwenSlowDir, "--data", data, "--output", Path.Combine(directory, "run")])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });

        Assert.Equal(2, exit);
        Assert.Contains($"{data}:2", error.ToString());
        Assert.Contains("'prompt' and 'completion'", error.ToString());
    }

    [Fact]
    public void UnknownOptionValuesAreNamed()
    {
        var error = new StringWriter();
        int exit = CliApp.BuildRoot()
            .Parse(["sft", "--model", ".", "--data", "x.jsonl", "--output", "o", "--layout", "diagonal"])
            .Invoke(new System.CommandLine.InvocationConfiguration { Output = new StringWriter(), Error = error });
        Assert.Equal(2, exit);
        Assert.Contains("--layout", error.ToString());
        Assert.Contains("bucketed", error.ToString());
    }
}
