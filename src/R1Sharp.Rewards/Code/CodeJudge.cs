using System.Text;
using System.Text.Json;
using R1Sharp.Rewards.Code.Languages;
using R1Sharp.Rewards.Code.TestCases;
using R1Sharp.Rewards.Sandbox;
using R1Sharp.Rewards.Sandbox.Judging;

namespace R1Sharp.Rewards.Code;

/// <summary>
/// Judges one program against a problem's tests in the sandbox: compiles it once (C++), then runs every test
/// (in parallel, as many at once as the sandbox has worker slots) and gives each a <see cref="Verdict"/>.
/// </summary>
public sealed class CodeJudge
{
    private readonly ICodeSandbox _sandbox;
    private readonly CodeJudgeOptions _options;

    /// <summary>Creates a judge running programs in <paramref name="sandbox"/>.</summary>
    public CodeJudge(ICodeSandbox sandbox, CodeJudgeOptions? options = null)
    {
        _sandbox = sandbox ?? throw new ArgumentNullException(nameof(sandbox));
        _options = options ?? new CodeJudgeOptions();
        _options.Limits.Validate();
        _options.CompileLimits.Validate();
    }

    /// <summary>The options in use.</summary>
    public CodeJudgeOptions Options => _options;

    /// <summary>Runs <paramref name="source"/> on every test of <paramref name="tests"/>.</summary>
    public async Task<ProgramEvaluation> EvaluateAsync(string source, VerificationInfo tests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(tests);
        var toolchain = LanguageToolchain.For(tests.Language);
        using var program = _sandbox.CreateProgramDirectory();
        await program.WriteFileAsync(toolchain.SourceFileName, source, cancellationToken).ConfigureAwait(false);

        if (await CompileAsync(toolchain, program, cancellationToken).ConfigureAwait(false) is { } failure)
        {
            return new ProgramEvaluation(tests.Language,
                tests.TestCases.Select((_, i) => new TestVerdict(i, Verdict.CompileError, failure.Detail, failure.WallTime)).ToList());
        }

        if (tests.TestCases.Any(t => t is FunctionCallTestCase))
            await program.WriteFileAsync(FunctionCallHarness.DriverFileName, FunctionCallHarness.DriverSource, cancellationToken).ConfigureAwait(false);

        var runs = tests.TestCases.Select((test, index) => test switch
        {
            StdinStdoutTestCase io => RunStdinStdoutAsync(index, io, toolchain, program, cancellationToken),
            FunctionCallTestCase call => RunFunctionCallAsync(index, call, toolchain, program, cancellationToken),
            _ => throw new NotSupportedException(test.GetType().Name),
        }).ToList();
        return new ProgramEvaluation(tests.Language, await Task.WhenAll(runs).ConfigureAwait(false));
    }

    /// <summary>Compiles (when the language needs it) and runs <paramref name="source"/> once on <paramref name="stdin"/>,
    /// without judging the output: what <c>r1 run-code --stdin-file</c> shows.</summary>
    public async Task<SingleRunOutcome> RunOnceAsync(string source, CodeLanguage language, string stdin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var toolchain = LanguageToolchain.For(language);
        using var program = _sandbox.CreateProgramDirectory();
        await program.WriteFileAsync(toolchain.SourceFileName, source, cancellationToken).ConfigureAwait(false);
        if (await CompileAsync(toolchain, program, cancellationToken).ConfigureAwait(false) is { } failure)
            return new SingleRunOutcome(failure.Detail, null);
        var run = await _sandbox.RunAsync(new SandboxRequest(toolchain.RunCommand, toolchain.Adjust(_options.Limits))
        {
            Program = program,
            Stdin = Encoding.UTF8.GetBytes(stdin),
            Environment = toolchain.EnvironmentFor(_options.Limits),
        }, cancellationToken).ConfigureAwait(false);
        return new SingleRunOutcome(null, run);
    }

    /// <summary>Runs the compiler in the writable program folder; null on success, else why it failed.</summary>
    private async Task<(string Detail, TimeSpan WallTime)?> CompileAsync(LanguageToolchain toolchain, ProgramDirectory program, CancellationToken cancellationToken)
    {
        if (toolchain.CompileCommand is not { } compile)
            return null;
        foreach (var (name, contents) in toolchain.SupportFiles)
            await program.WriteFileAsync(name, contents, cancellationToken).ConfigureAwait(false);
        var compiled = await _sandbox.RunAsync(new SandboxRequest(compile, toolchain.Adjust(_options.CompileLimits))
        {
            Program = program,
            ProgramWritable = true,
            Environment = toolchain.EnvironmentFor(_options.CompileLimits),
        }, cancellationToken).ConfigureAwait(false);
        if (compiled.Succeeded)
            return null;
        // g++ reports on stderr, csc on stdout.
        string messages = compiled.Stderr + "\n" + Encoding.UTF8.GetString(compiled.Stdout);
        string detail = compiled.Termination == SandboxTermination.Exited
            ? "compiler" + RunClassifier.StderrTail(FirstErrorLine(messages))
            : $"compiler {compiled.Termination} {compiled.SignalName}".TrimEnd();
        return (detail, compiled.WallTime);
    }

    private async Task<TestVerdict> RunStdinStdoutAsync(
        int index, StdinStdoutTestCase test, LanguageToolchain toolchain, ProgramDirectory program, CancellationToken cancellationToken)
    {
        var run = await _sandbox.RunAsync(new SandboxRequest(toolchain.RunCommand, toolchain.Adjust(_options.Limits))
        {
            Program = program,
            Stdin = Encoding.UTF8.GetBytes(test.Input),
            Environment = toolchain.EnvironmentFor(_options.Limits),
        }, cancellationToken).ConfigureAwait(false);
        if (RunClassifier.Classify(run, _options.Limits) is var (verdict, detail))
            return new TestVerdict(index, verdict, detail, run.WallTime);
        string output = Encoding.UTF8.GetString(run.Stdout);
        return OutputComparer.Matches(test.ExpectedOutput, output, _options.FloatTolerance, out string difference)
            ? new TestVerdict(index, Verdict.Accepted, "", run.WallTime)
            : new TestVerdict(index, Verdict.WrongAnswer, difference, run.WallTime);
    }

    private async Task<TestVerdict> RunFunctionCallAsync(
        int index, FunctionCallTestCase test, LanguageToolchain toolchain, ProgramDirectory program, CancellationToken cancellationToken)
    {
        string callsFile = $"calls-{index}.json";
        await program.WriteFileAsync(callsFile, FunctionCallHarness.CallsJson(test.FunctionName, test.Arguments), cancellationToken).ConfigureAwait(false);
        var run = await _sandbox.RunAsync(new SandboxRequest(FunctionCallHarness.Command(callsFile, toolchain.SourceFileName), _options.Limits)
        {
            Program = program,
        }, cancellationToken).ConfigureAwait(false);

        var results = ParseResults(run.Stdout);
        // A failed load or a missing function is reported as a result line, so it counts as a runtime error, not a crash of the harness.
        if (results.Count > 0 && results[0] is { Ok: false } first && results.Count < test.Arguments.Count)
            return new TestVerdict(index, Verdict.RuntimeError, first.Error, run.WallTime);
        if (RunClassifier.Classify(run, _options.Limits) is var (verdict, detail))
            return new TestVerdict(index, verdict, detail, run.WallTime);
        if (results.Count != test.Arguments.Count)
            return new TestVerdict(index, Verdict.RuntimeError, $"the harness returned {results.Count} results for {test.Arguments.Count} calls", run.WallTime);
        for (int call = 0; call < results.Count; call++)
        {
            var result = results[call];
            if (!result.Ok)
            {
                var kind = result.Error.StartsWith("MemoryError", StringComparison.Ordinal) ? Verdict.MemoryLimit : Verdict.RuntimeError;
                return new TestVerdict(index, kind, $"call {call + 1}: {result.Error}", run.WallTime);
            }
            if (!JsonValueComparer.Equal(test.Expected[call], result.Value, _options.FloatTolerance))
                return new TestVerdict(index, Verdict.WrongAnswer,
                    $"call {call + 1}: expected {Shorten(test.Expected[call].GetRawText())}, got {Shorten(result.Value.GetRawText())}", run.WallTime);
        }
        return new TestVerdict(index, Verdict.Accepted, "", run.WallTime);
    }

    private sealed record CallResult(bool Ok, JsonElement Value, string Error);

    private static List<CallResult> ParseResults(byte[] stdout)
    {
        var results = new List<CallResult>();
        foreach (string line in Encoding.UTF8.GetString(stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                bool ok = root.TryGetProperty("ok", out var okValue) && okValue.ValueKind == JsonValueKind.True;
                var value = root.TryGetProperty("value", out var v) ? v.Clone() : default;
                string error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : "";
                results.Add(new CallResult(ok, value, error));
            }
            catch (JsonException)
            {
                results.Add(new CallResult(false, default, "unreadable result line"));
            }
        }
        return results;
    }

    private static string FirstErrorLine(string stderr) =>
        stderr.Split('\n').FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)) ?? stderr;

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
