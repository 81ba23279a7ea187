using R1Sharp.Tests.Checkpoints;
using R1Sharp.Training.Configuration;

namespace R1Sharp.Tests.Training;

public sealed class ToolOptionsTests
{
    [Fact]
    public async Task ToolsAreReadFromAYamlFileWithTrlsNames()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("grpo.yaml");
        await File.WriteAllTextAsync(path, "tools: [python]\nmax_tool_calling_iterations: 3\ntool_timeout: 2.5\ntool_output_max_bytes: 100\n");
        var options = await GrpoOptionsFile.LoadAsync(path, []);
        Assert.Equal(["python"], options.Tools);
        Assert.Equal(3, options.MaxToolCallingIterations);
        Assert.Equal(2.5, options.ToolTimeout);
        Assert.Equal(100, options.ToolOutputMaxBytes);
        Assert.Empty(GrpoOptionsValidator.Problems(options));
    }

    [Fact]
    public void EachBadToolSettingIsNamed()
    {
        var options = new GrpoOptions { Tools = ["python", "search", "python"], MaxToolCallingIterations = 0, ToolTimeout = 0, ToolOutputMaxBytes = 0 };
        var problems = GrpoOptionsValidator.Problems(options);
        Assert.Contains(problems, p => p.StartsWith("tools: names a tool that does not exist (known: python, calculator) (got search)", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("tools: lists a tool twice", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("max_tool_calling_iterations:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("tool_timeout:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("tool_output_max_bytes:", StringComparison.Ordinal));
    }
}
