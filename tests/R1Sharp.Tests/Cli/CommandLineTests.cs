using System.CommandLine;
using R1Sharp.Cli;

namespace R1Sharp.Tests.Cli;

public class CommandLineTests
{
    public static TheoryData<string> CommandNames()
    {
        var data = new TheoryData<string>();
        foreach (var command in CliApp.BuildRoot().Subcommands)
            data.Add(command.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void EveryCommandHasHelpWithADescription(string name)
    {
        var root = CliApp.BuildRoot();
        var command = root.Subcommands.Single(c => c.Name == name);
        Assert.False(string.IsNullOrWhiteSpace(command.Description));
        foreach (var option in command.Options.Where(o => !o.Name.StartsWith("--help", StringComparison.Ordinal) && o.Name is not "-h" and not "-?"))
            Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{name} {option.Name} has no description");

        var output = new StringWriter();
        int exit = root.Parse([name, "--help"]).Invoke(new InvocationConfiguration { Output = output });
        Assert.Equal(0, exit);
        Assert.Contains(name, output.ToString());
    }

    [Fact]
    public void VersionIsPrinted()
    {
        var output = new StringWriter();
        int exit = CliApp.BuildRoot().Parse(["--version"]).Invoke(new InvocationConfiguration { Output = output });
        Assert.Equal(0, exit);
        Assert.Matches(@"^\d+\.\d+\.\d+", output.ToString());
    }
}
