using R1Sharp.Cli.Errors;
using System.CommandLine;
using System.Text;
using System.Text.Json;
using R1Sharp.Rewards.Code;
using R1Sharp.Rewards.Code.TestCases;
using R1Sharp.Rewards.Sandbox;
using R1Sharp.Rewards.Sandbox.Judging;
using Spectre.Console;

namespace R1Sharp.Cli.Commands;

/// <summary>`r1 run-code`: runs one program in the code sandbox, on test cases (verdicts) or on one stdin (output).</summary>
internal static class RunCodeCommand
{
    public static Command Create()
    {
        var file = new Option<FileInfo>("--file") { Description = "The program's source file.", Required = true };
        var language = new Option<string?>("--language") { Description = "python, cpp or csharp (default: from the file extension)." };
        var tests = new Option<FileInfo?>("--tests")
        {
            Description = "Test cases: a verification_info object ({\"language\",\"test_cases\":[...]}, open-r1 layout) or a bare test_cases array.",
        };
        var stdinFile = new Option<FileInfo?>("--stdin-file") { Description = "Run once with this file as stdin and show the output (no judging)." };
        var timeLimit = new Option<double>("--time-limit") { Description = "CPU seconds per run.", DefaultValueFactory = _ => 5 };
        var wallLimit = new Option<double?>("--wall-time-limit") { Description = "Wall-clock seconds per run (default: 2 x time limit)." };
        var memory = new Option<int>("--memory-limit") { Description = "Address-space limit per run, MiB.", DefaultValueFactory = _ => 512 };
        var tolerance = new Option<double?>("--float-tolerance") { Description = "Accept numbers within tolerance x max(1,|expected|) (default: exact tokens)." };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };

        var command = new Command("run-code", "Run a program in the code sandbox (bubblewrap, own uid, limits) and print verdicts or its output.")
        {
            file, language, tests, stdinFile, timeLimit, wallLimit, memory, tolerance, json,
        };
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var source = parse.GetValue(file)!;
            var testsFile = parse.GetValue(tests);
            var inputFile = parse.GetValue(stdinFile);
            if (testsFile != null && inputFile != null)
                throw new UsageException("--tests and --stdin-file cannot be used together");
            var lang = ResolveLanguage(parse.GetValue(language), source);
            double cpu = parse.GetValue(timeLimit);
            if (cpu <= 0)
                throw new UsageException($"--time-limit must be positive, got {cpu}");
            int memoryMiB = parse.GetValue(memory);
            if (memoryMiB <= 0)
                throw new UsageException($"--memory-limit must be positive, got {memoryMiB}");
            var limits = ResourceLimits.Default with
            {
                CpuTime = TimeSpan.FromSeconds(cpu),
                WallClock = TimeSpan.FromSeconds(parse.GetValue(wallLimit) ?? Math.Max(1, 2 * cpu)),
                AddressSpaceBytes = memoryMiB * 1024L * 1024,
            };
            string code = await ReadTextAsync(source, "--file", cancellationToken);
            var judgeOptions = new CodeJudgeOptions { Limits = limits, FloatTolerance = parse.GetValue(tolerance) };

            using var sandbox = await BubblewrapSandbox.StartAsync(cancellationToken: cancellationToken);
            var judge = new CodeJudge(sandbox, judgeOptions);
            if (testsFile != null)
            {
                var info = await ReadTestsAsync(testsFile, lang, cancellationToken);
                bool asJson = parse.GetValue(json);
                // Progress goes to stderr, so --json output stays one clean document on stdout.
                if (!asJson)
                    Console.Error.WriteLine($"running {info.TestCases.Count} tests in the sandbox ({sandbox.WorkerSlots} at once)...");
                var evaluation = await judge.EvaluateAsync(code, info, cancellationToken);
                PrintEvaluation(evaluation, asJson);
                return evaluation.AllPassed ? 0 : 1;
            }
            string stdin = inputFile != null ? await ReadTextAsync(inputFile, "--stdin-file", cancellationToken) : "";
            var outcome = await judge.RunOnceAsync(code, lang, stdin, cancellationToken);
            PrintRun(outcome, limits, parse.GetValue(json));
            return outcome.Run?.Succeeded == true ? 0 : 1;
        });
        return command;
    }

    private static CodeLanguage ResolveLanguage(string? name, FileInfo source)
    {
        if (name != null)
            return CodeLanguageNames.TryParse(name, out var given)
                ? given
                : throw new UsageException($"--language '{name}' is not supported (python, cpp or csharp)");
        string extension = source.Extension.TrimStart('.');
        return CodeLanguageNames.TryParse(extension, out var byExtension)
            ? byExtension
            : throw new UsageException($"cannot tell the language of '{source.Name}' from its extension; pass --language");
    }

    private static async Task<string> ReadTextAsync(FileInfo file, string option, CancellationToken cancellationToken)
    {
        if (!file.Exists)
            throw new UsageException($"{option}: file '{file.FullName}' not found");
        try
        {
            return await File.ReadAllTextAsync(file.FullName, new UTF8Encoding(false, throwOnInvalidBytes: true), cancellationToken);
        }
        catch (DecoderFallbackException)
        {
            throw new UsageException($"{option}: '{file.FullName}' is not UTF-8 text");
        }
    }

    private static async Task<VerificationInfo> ReadTestsAsync(FileInfo file, CodeLanguage language, CancellationToken cancellationToken)
    {
        string text = await ReadTextAsync(file, "--tests", cancellationToken);
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(text);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new UsageException($"--tests: '{file.FullName}' is not valid JSON (line {e.LineNumber + 1}: {e.Message})");
        }
        if (root.ValueKind == JsonValueKind.Array)
            root = JsonSerializer.SerializeToElement(new Dictionary<string, JsonElement> { ["test_cases"] = root });
        try
        {
            return VerificationInfo.Parse(root, language, "tests");
        }
        catch (VerificationInfoException e)
        {
            throw new UsageException($"--tests '{file.FullName}': {e.Message}");
        }
    }

    private static void PrintEvaluation(ProgramEvaluation evaluation, bool asJson)
    {
        if (asJson)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                language = evaluation.Language.ToString().ToLowerInvariant(),
                passed = evaluation.Passed,
                total = evaluation.Verdicts.Count,
                pass_fraction = evaluation.PassFraction,
                verdicts = evaluation.Verdicts.Select(v => new
                {
                    test = v.TestIndex,
                    verdict = v.Verdict.ToString(),
                    detail = v.Detail,
                    wall_ms = Math.Round(v.WallTime.TotalMilliseconds, 1),
                }),
            }));
            return;
        }
        var table = new Table().AddColumns("test", "verdict", "time (ms)", "detail");
        foreach (var v in evaluation.Verdicts)
        {
            string color = v.Passed ? "green" : "red";
            table.AddRow((v.TestIndex + 1).ToString(), $"[{color}]{v.Verdict}[/]", v.WallTime.TotalMilliseconds.ToString("0"), Markup.Escape(v.Detail));
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"{evaluation.Passed}/{evaluation.Verdicts.Count} accepted");
    }

    private static void PrintRun(SingleRunOutcome outcome, ResourceLimits limits, bool asJson)
    {
        var run = outcome.Run;
        var classified = run != null ? RunClassifier.Classify(run, limits) : (Verdict.CompileError, outcome.CompileError ?? "");
        string status = classified is var (verdict, detail) ? $"{verdict}: {detail}" : "exited 0";
        if (asJson)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                status = classified?.Verdict.ToString() ?? "Exited",
                detail = classified?.Detail ?? "",
                exit_code = run?.ExitCode,
                signal = run?.SignalName,
                stdout = run != null ? Encoding.UTF8.GetString(run.Stdout) : "",
                stderr = run?.Stderr ?? outcome.CompileError ?? "",
                wall_ms = run != null ? Math.Round(run.WallTime.TotalMilliseconds, 1) : 0,
            }));
            return;
        }
        if (run != null)
        {
            Console.Out.Write(Encoding.UTF8.GetString(run.Stdout));
            Console.Out.Flush();
            if (run.Stderr.Length > 0)
                Console.Error.Write(run.Stderr);
        }
        Console.Error.WriteLine($"[{status}; {run?.WallTime.TotalMilliseconds ?? 0:0} ms]");
    }
}
