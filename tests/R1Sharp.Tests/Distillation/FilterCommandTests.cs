using System.Text.Json;
using R1Sharp.Cli;
using R1Sharp.Distillation;
using R1Sharp.Tests.Sft;

namespace R1Sharp.Tests.Distillation;

public class FilterCommandTests
{
    [Fact]
    public async Task WritesSftDataAndStatisticsAndPrintsTheTable()
    {
        string directory = SftTestData.TempDirectory();
        string samples = Path.Combine(directory, "samples.jsonl");
        await File.WriteAllLinesAsync(samples,
        [
            SampledResponseFile.ToLine(Responses.Make("<think>Two and two.</think>\\boxed{4}", index: 0)),
            SampledResponseFile.ToLine(Responses.Make("<think>Two and two.</think>\\boxed{4}", index: 1)),
            SampledResponseFile.ToLine(Responses.Make("<think>Guess.</think>\\boxed{5}", accuracy: 0, index: 2)),
        ]);
        string output = Path.Combine(directory, "sft.jsonl");
        var stdout = new StringWriter();

        int exit = await CliApp.BuildRoot().Parse(["filter", "--input", samples, "--output", output])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = stdout, Error = new StringWriter() });

        Assert.Equal(0, exit);
        Assert.Single(await File.ReadAllLinesAsync(output));
        using var stats = JsonDocument.Parse(await File.ReadAllTextAsync(RejectionRun.StatisticsPath(output)));
        Assert.Equal(3, stats.RootElement.GetProperty("responses").GetInt32());
        Assert.Equal(1, stats.RootElement.GetProperty("kept").GetInt32());
        Assert.Equal(1, stats.RootElement.GetProperty("dropped").GetProperty("incorrect").GetInt32());
        Assert.Equal(1, stats.RootElement.GetProperty("dropped").GetProperty("duplicate").GetInt32());
        Assert.Contains("dropped: incorrect", stdout.ToString());
    }
}
