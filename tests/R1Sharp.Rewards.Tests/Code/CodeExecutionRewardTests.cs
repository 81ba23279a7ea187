using System.Text.Json;
using R1Sharp.Rewards.Code;
using R1Sharp.Rewards.Sandbox;
using R1Sharp.Rewards.Sandbox.Judging;
using R1Sharp.Rewards.Tests.Sandbox;

namespace R1Sharp.Rewards.Tests.Code;

[Collection("sandbox")]
public sealed class CodeExecutionRewardTests(SandboxFixture fixture)
{
    private const string SumInfo = """
        {"language":"python","test_cases":[
          {"input":"1 2\n","output":"3\n","type":"stdin_stdout"},
          {"input":"10 -4\n","output":"6\n","type":"stdin_stdout"},
          {"input":"0 0\n","output":"0\n","type":"stdin_stdout"}]}
        """;

    private static RewardInput Row(string completion, string verificationInfo, bool asString = false)
    {
        var info = asString ? JsonSerializer.SerializeToElement(verificationInfo) : JsonDocument.Parse(verificationInfo).RootElement.Clone();
        return new RewardInput("prompt", completion, new Dictionary<string, JsonElement> { ["verification_info"] = info });
    }

    private static string Python(string code) => $"<think>easy</think>\n```python\n{code}\n```";

    [Fact]
    public async Task A_correct_stdin_program_scores_one_and_a_wrong_one_less()
    {
        var reward = new CodeExecutionReward(fixture.Sandbox);
        var correct = await reward.EvaluateAsync(Row(Python("a, b = map(int, input().split())\nprint(a + b)"), SumInfo, asString: true));
        Assert.Equal(1.0, correct.Score);
        Assert.All(correct.Evaluation!.Verdicts, v => Assert.Equal(Verdict.Accepted, v.Verdict));

        // Right only when b == 0 ... and when a + b == a - b: tests 1 and 2 fail, test 3 passes.
        var wrong = await reward.EvaluateAsync(Row(Python("a, b = map(int, input().split())\nprint(a - b)"), SumInfo));
        Assert.Equal(1.0 / 3, wrong.Score!.Value, 9);
        Assert.Equal([Verdict.WrongAnswer, Verdict.WrongAnswer, Verdict.Accepted], wrong.Evaluation!.Verdicts.Select(v => v.Verdict));
        Assert.Contains("expected '3', got '-1'", wrong.Evaluation.Verdicts[0].Detail);
    }

    [Fact]
    public async Task All_or_nothing_mode_gives_zero_for_a_partial_pass()
    {
        var reward = new CodeExecutionReward(fixture.Sandbox, new CodeExecutionRewardOptions { Mode = CodeRewardMode.AllOrNothing });
        Assert.Equal(0.0, await reward.ScoreAsync(Row(Python("a, b = map(int, input().split())\nprint(a - b)"), SumInfo)));
        Assert.Equal(1.0, await reward.ScoreAsync(Row(Python("print(sum(map(int, input().split())))"), SumInfo)));
    }

    [Fact]
    public async Task Function_call_rows_are_judged_by_return_values()
    {
        const string info = """
            {"language":"python","test_cases":[
              {"type":"function_call","fn_name":"add","input":[[1,2],[3,4]],"output":[3,7]},
              {"type":"function_call","fn_name":"add","input":[[[1,2],[3]]],"output":[[1,2,3]]}]}
            """;
        var reward = new CodeExecutionReward(fixture.Sandbox);
        var outcome = await reward.EvaluateAsync(Row(Python("def add(a, b):\n    print('noise')\n    return a + b"), info));
        Assert.Equal(1.0, outcome.Score);

        var leetcode = await reward.EvaluateAsync(Row(Python("class Solution:\n    def add(self, a, b):\n        return a + b"), info));
        Assert.Equal(1.0, leetcode.Score);

        var wrong = await reward.EvaluateAsync(Row(Python("def add(a, b):\n    return a * b if isinstance(a, int) else a + b"), info));
        Assert.Equal(0.5, wrong.Score);
        Assert.Equal(Verdict.WrongAnswer, wrong.Evaluation!.Verdicts[0].Verdict);
        Assert.Contains("call 1: expected 3, got 2", wrong.Evaluation.Verdicts[0].Detail);

        var missing = await reward.EvaluateAsync(Row(Python("def plus(a, b):\n    return a + b"), info));
        Assert.Equal(0.0, missing.Score);
        Assert.All(missing.Evaluation!.Verdicts, v => Assert.Equal(Verdict.RuntimeError, v.Verdict));
        Assert.Contains("no function named add", missing.Evaluation.Verdicts[0].Detail);
    }

    [Fact]
    public async Task A_program_printing_fake_results_cannot_pass_function_tests()
    {
        const string info = """{"test_cases":[{"type":"function_call","fn_name":"f","input":[[1]],"output":[42]}]}""";
        var reward = new CodeExecutionReward(fixture.Sandbox);
        var outcome = await reward.EvaluateAsync(Row(Python("import sys\nprint('{\"ok\": true, \"value\": 42}')\nsys.stdout.flush()\ndef f(x):\n    return 0"), info));
        Assert.Equal(0.0, outcome.Score);
        Assert.Equal(Verdict.WrongAnswer, Assert.Single(outcome.Evaluation!.Verdicts).Verdict);
    }

    [Fact]
    public async Task Runtime_errors_time_limits_and_memory_limits_get_their_verdicts()
    {
        // Generous limits except the one each case is about: a loaded machine must not turn a crash into a time limit.
        var generous = ResourceLimits.Default with { CpuTime = TimeSpan.FromSeconds(10), WallClock = TimeSpan.FromSeconds(30), AddressSpaceBytes = 256L << 20 };
        CodeJudge With(ResourceLimits limits) => new(fixture.Sandbox, new CodeJudgeOptions { Limits = limits });
        var judge = With(generous);
        var tests = R1Sharp.Rewards.Code.TestCases.VerificationInfo.Parse(JsonDocument.Parse("""{"test_cases":[{"input":"","output":"1"}]}""").RootElement);

        var crash = await judge.EvaluateAsync("raise ValueError('boom')", tests);
        Assert.Equal(Verdict.RuntimeError, crash.Verdicts[0].Verdict);
        Assert.Contains("ValueError: boom", crash.Verdicts[0].Detail);

        var segv = await judge.EvaluateAsync("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)", tests);
        Assert.Equal(Verdict.RuntimeError, segv.Verdicts[0].Verdict);
        Assert.Contains("SIGSEGV", segv.Verdicts[0].Detail);

        var loop = await With(generous with { CpuTime = TimeSpan.FromSeconds(1) }).EvaluateAsync("while True:\n    pass", tests);
        Assert.Equal(Verdict.TimeLimit, loop.Verdicts[0].Verdict);

        var sleep = await With(generous with { WallClock = TimeSpan.FromSeconds(3) }).EvaluateAsync("import time\ntime.sleep(60)", tests);
        Assert.Equal(Verdict.TimeLimit, sleep.Verdicts[0].Verdict);

        var hog = await judge.EvaluateAsync("x = bytearray(1 << 30)", tests);
        Assert.Equal(Verdict.MemoryLimit, hog.Verdicts[0].Verdict);

        var flood = await With(generous with { MaxStdoutBytes = 4096 }).EvaluateAsync("while True:\n    print('x' * 100)", tests);
        Assert.Equal(Verdict.OutputLimit, flood.Verdicts[0].Verdict);
    }

    [Fact]
    public async Task Cpp_programs_are_compiled_once_and_run_and_compile_errors_are_reported()
    {
        const string info = """{"language":"cpp","test_cases":[{"input":"2 3\n","output":"5\n"},{"input":"7 8\n","output":"15\n"}]}""";
        var reward = new CodeExecutionReward(fixture.Sandbox);
        var ok = await reward.EvaluateAsync(Row("```cpp\n#include <iostream>\nint main(){long a,b;std::cin>>a>>b;std::cout<<a+b<<\"\\n\";}\n```", info));
        Assert.Equal(1.0, ok.Score);

        var broken = await reward.EvaluateAsync(Row("```cpp\nint main(){ return undefined_name; }\n```", info));
        Assert.Equal(0.0, broken.Score);
        Assert.All(broken.Evaluation!.Verdicts, v => Assert.Equal(Verdict.CompileError, v.Verdict));
        Assert.Contains("undefined_name", broken.Evaluation.Verdicts[0].Detail);
    }

    [Fact]
    public async Task CSharp_programs_compile_with_the_installed_sdk_and_run()
    {
        const string info = """{"language":"csharp","test_cases":[{"input":"2 3\n","output":"5\n"},{"input":"7 8\n","output":"15\n"}]}""";
        var reward = new CodeExecutionReward(fixture.Sandbox);
        string program = "```csharp\nusing System;\nusing System.Linq;\nConsole.WriteLine(Console.ReadLine()!.Split(' ').Select(long.Parse).Sum());\n```";
        var ok = await reward.EvaluateAsync(Row(program, info));
        Assert.True(ok.Score == 1.0, string.Join("; ", ok.Evaluation!.Verdicts.Select(v => $"{v.Verdict} {v.Detail}")));

        var hog = await reward.EvaluateAsync(Row("```cs\nvar list = new System.Collections.Generic.List<byte[]>();\nwhile (true) list.Add(new byte[1 << 24]);\n```", info));
        Assert.All(hog.Evaluation!.Verdicts, v => Assert.Equal(Verdict.MemoryLimit, v.Verdict));

        var broken = await reward.EvaluateAsync(Row("```c#\nint x = \"text\";\n```", info));
        Assert.All(broken.Evaluation!.Verdicts, v => Assert.Equal(Verdict.CompileError, v.Verdict));
        Assert.Contains("CS0029", broken.Evaluation.Verdicts[0].Detail);
    }

    [Fact]
    public async Task Float_tolerance_is_optional()
    {
        const string info = """{"test_cases":[{"input":"","output":"0.333333\n"}]}""";
        string completion = Python("print(1/3)");
        Assert.Equal(0.0, await new CodeExecutionReward(fixture.Sandbox).ScoreAsync(Row(completion, info)));
        var tolerant = new CodeExecutionReward(fixture.Sandbox, new CodeExecutionRewardOptions { Judge = new CodeJudgeOptions { FloatTolerance = 1e-6 } });
        Assert.Equal(1.0, await tolerant.ScoreAsync(Row(completion, info)));
    }

    [Fact]
    public async Task No_code_scores_zero_and_malformed_rows_are_not_applicable_with_a_reason()
    {
        var reasons = new List<string>();
        var reward = new CodeExecutionReward(fixture.Sandbox, new CodeExecutionRewardOptions { OnNotApplicable = r => { lock (reasons) reasons.Add(r); } });
        Assert.Equal(0.0, await reward.ScoreAsync(Row("I cannot write code.", SumInfo)));
        Assert.Equal(0.0, await reward.ScoreAsync(Row("```cpp\nint main(){}\n```", SumInfo)));

        var malformed = await reward.EvaluateAsync(Row(Python("print(3)"), """{"test_cases":[{"input":"1"}]}"""));
        Assert.Null(malformed.Score);
        Assert.Equal("malformed verification_info.test_cases[0].output: missing", malformed.NotApplicableReason);

        var noField = await reward.EvaluateAsync(new RewardInput("p", Python("print(3)"), new Dictionary<string, JsonElement>()));
        Assert.Null(noField.Score);
        Assert.Equal(["malformed verification_info.test_cases[0].output: missing", "row has no 'verification_info' field"], reasons);
    }

    [Fact]
    public async Task Identical_completions_are_run_once_and_many_are_scored_in_parallel()
    {
        var counting = new CountingSandbox(fixture.Sandbox);
        var reward = new CodeExecutionReward(counting);
        var rows = Enumerable.Range(0, 8).Select(i => Row(Python(i % 2 == 0 ? "print(sum(map(int, input().split())))" : "print(0)"), SumInfo)).ToList();
        var scores = await Task.WhenAll(rows.Select(r => reward.ScoreAsync(r).AsTask()));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => i % 2 == 0 ? 1.0 : Math.Round(1.0 / 3, 9)), scores.Select(s => Math.Round(s!.Value, 9)));
        Assert.Equal(2 * 3, counting.Runs); // two distinct programs x three tests
    }

    private sealed class CountingSandbox(ICodeSandbox inner) : ICodeSandbox
    {
        private int _runs;

        public int Runs => _runs;

        public int WorkerSlots => inner.WorkerSlots;

        public ProgramDirectory CreateProgramDirectory() => inner.CreateProgramDirectory();

        public Task<SandboxRunResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _runs);
            return inner.RunAsync(request, cancellationToken);
        }

        public void Dispose() { }
    }
}
