using System.Diagnostics;
using System.Text.Json;

namespace R1Sharp.Tests.Cli;

/// <summary>`r1 run-code` end to end: the real command, a real sandbox.</summary>
public sealed class RunCodeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("r1-run-code-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int ExitCode, string Stdout, string Stderr)> R1Async(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "r1.dll"));
        foreach (string a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Tests_file_gives_json_verdicts_and_exit_code_one_when_one_fails()
    {
        string program = Write("sum.py", "a, b = map(int, input().split())\nprint(a + b)\n");
        string tests = Write("tests.json", """[{"input":"1 2\n","output":"3\n"},{"input":"2 2\n","output":"5\n"}]""");
        var (code, stdout, stderr) = await R1Async("run-code", "--file", program, "--tests", tests, "--json");
        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(1, json.RootElement.GetProperty("passed").GetInt32());
        var verdicts = json.RootElement.GetProperty("verdicts").EnumerateArray().Select(v => v.GetProperty("verdict").GetString()).ToList();
        Assert.Equal(["Accepted", "WrongAnswer"], verdicts);
        Assert.True(stderr.Length == 0, stderr);
    }

    [Fact]
    public async Task Stdin_file_runs_once_and_prints_the_output()
    {
        string program = Write("sum.py", "print(sum(map(int, input().split())))\n");
        string input = Write("in.txt", "4 5 6\n");
        var (code, stdout, _) = await R1Async("run-code", "--file", program, "--stdin-file", input);
        Assert.Equal(0, code);
        Assert.Equal("15\n", stdout);
    }

    [Fact]
    public async Task Bad_input_is_named_in_a_one_line_error()
    {
        string program = Write("p.py", "print(1)\n");
        string tests = Write("bad.json", """{"test_cases":[{"input":"1"}]}""");
        var (code, _, stderr) = await R1Async("run-code", "--file", program, "--tests", tests);
        Assert.Equal(2, code);
        Assert.Contains("bad.json", stderr);
        Assert.Contains("tests.test_cases[0].output: missing", stderr);

        var (missingCode, _, missingErr) = await R1Async("run-code", "--file", Path.Combine(_dir, "nope.py"));
        Assert.Equal(2, missingCode);
        Assert.Contains("nope.py' not found", missingErr);
    }
}
