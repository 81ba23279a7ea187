using R1Sharp.Tasks;
using R1Sharp.Text.Templates;
using R1Sharp.Tools;
using R1Sharp.Training.Zero.Tools;

namespace R1Sharp.Tests.Training.ZeroTools;

public class ZeroToolCorpusTests
{
    private static readonly TaskSuite Suite = new([new MultiplicationTask()], seed: 7, heldOutPerFamily: 20);
    private static readonly TaskTokenizer Tokenizer = ZeroToolCalls.CreateTokenizer();

    [Theory]
    [InlineData(ZeroToolKind.Calculator)]
    [InlineData(ZeroToolKind.Python)]
    public async Task EveryToolCallOfTheCorpusParsesAndItsToolPrintsTheOutputTheDocumentShows(ZeroToolKind tool)
    {
        var calculator = new ToolRunner([ZeroToolCalls.CreateCalculator()]);
        int calls = 0;
        for (long k = 0; k < 400; k++)
        {
            var (_, completion) = ZeroToolCorpus.Document(Suite, k, new ZeroToolCorpusOptions(), tool);
            int close = completion.IndexOf(ToolCallParser.CallClose, StringComparison.Ordinal);
            if (close < 0) continue;
            calls++;
            var problem = Suite.TrainingProblem(k);
            // Where generation pauses: the text up to the end of the call.
            var parsed = ToolCallParser.ParseTrailing(completion[..(close + ToolCallParser.CallClose.Length)]);
            Assert.NotNull(parsed?.Call);
            Assert.Equal(tool == ZeroToolKind.Python ? "python" : "calculator", parsed.Call.Name);
            string argument = parsed.Call.Arguments.GetProperty(tool == ZeroToolKind.Python ? "code" : "expression").GetString()!;
            Assert.Equal(tool == ZeroToolKind.Python ? $"print({problem.Expression})" : problem.Expression, argument);
            // What follows the call is the tool message the rollout loop appends, then the answer.
            string rest = completion[(close + ToolCallParser.CallClose.Length)..];
            Assert.StartsWith(ToolMessageFormat.Plain.Render(ZeroToolCalls.Output(tool, problem.Target)), rest, StringComparison.Ordinal);
            Assert.True(AnswerScoring.IsCorrect(Suite.TaskOf(problem), problem, completion));
            Assert.True(AnswerExtraction.HasR1ZeroFormat(completion), completion);
            if (tool == ZeroToolKind.Calculator)
                Assert.Equal(ZeroToolCalls.Output(tool, problem.Target), (await calculator.RunAsync(parsed, CancellationToken.None)).Output);
        }
        Assert.InRange(calls, 200, 330); // about half the documents: every worked example and 20% of the templated ones
    }

    [Fact]
    public void UnderTheTemplateCallsAreRareAndOutsideItEveryDocumentCalls()
    {
        int templated = 0, templatedCalls = 0;
        for (long k = 0; k < 3000; k++)
        {
            var (prompt, completion) = ZeroToolCorpus.Document(Suite, k, new ZeroToolCorpusOptions(), ZeroToolKind.Calculator);
            bool calls = completion.Contains(ToolCallParser.CallClose, StringComparison.Ordinal);
            if (prompt.StartsWith(R1ZeroTemplate.Format("")[..20], StringComparison.Ordinal)) { templated++; if (calls) templatedCalls++; }
            else Assert.True(calls, completion);
        }
        Assert.InRange(templated, 1300, 1700);
        Assert.InRange(templatedCalls / (double)templated, 0.15, 0.25);
    }

    [Fact]
    public void TheToolPhrasesAreOneTokenEachAfterEveryBuiltInId()
    {
        var builtIn = new TaskTokenizer();
        Assert.Equal(builtIn.Vocabulary, Tokenizer.Vocabulary.Take(builtIn.VocabSize));
        foreach (string phrase in ZeroToolCalls.Phrases) Assert.Single(Tokenizer.Encode(phrase));
        string solution = ZeroToolCalls.Solution(ZeroToolKind.Calculator, Suite.TrainingProblem(0));
        Assert.Equal(solution, Tokenizer.Decode(Tokenizer.Encode(solution)));
        Assert.True(Tokenizer.Encode(solution).Count < 40, "a tool-using solution should cost about 30 tokens");
    }

    [Fact]
    public async Task TheCalculatorIsExactAndReportsBadInputAsAnErrorTheModelReads()
    {
        var runner = new ToolRunner([ZeroToolCalls.CreateCalculator()]);
        async Task<ToolOutcome> Run(string expression) =>
            await runner.RunAsync(ToolCallParser.ParseTrailing(ZeroToolCalls.Call(ZeroToolKind.Calculator, expression))!, CancellationToken.None);
        Assert.Equal("20126", (await Run("347*58")).Output);
        Assert.Equal("1/3", (await Run("1/3")).Output);
        var bad = await Run("347*");
        Assert.True(bad.Failed);
        Assert.StartsWith("error:", bad.Output, StringComparison.Ordinal);
        Assert.True((await Run("1/0")).Failed);
    }
}
