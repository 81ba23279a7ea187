using System.Globalization;
using System.Text.Json;
using R1Sharp.Tasks;
using R1Sharp.Tools;

namespace R1Sharp.Training.Zero.Tools;

/// <summary>
/// The tool calls of <c>r1 zero --tools</c>: the call text (Qwen's <c>&lt;tool_call&gt;{json}&lt;/tool_call&gt;</c>, which
/// <see cref="ToolCallParser"/> reads), the tool message (<see cref="ToolMessageFormat.Plain"/>), the phrases the task
/// tokenizer adds for them, and the tools themselves.
/// Why phrase tokens: the fixed parts of a call, such as <c>&lt;tool_call&gt;{"name": "calculator", "arguments":
/// {"expression": "</c>, are 60 characters; as single characters every call would cost 60 sampled tokens, each one a
/// chance to break the JSON. As one token each (as the template's sentences already are, <see cref="TaskTokenizer"/>), a
/// call is two fixed tokens around the expression, which the model copies digit by digit from the question.
/// </summary>
public static class ZeroToolCalls
{
    /// <summary>Name of the .NET calculator tool.</summary>
    public const string CalculatorName = "calculator";

    private const string CalculatorOpen = "<tool_call>{\"name\": \"calculator\", \"arguments\": {\"expression\": \"";
    private const string CalculatorClose = "\"}}</tool_call>";
    private const string PythonOpen = "<tool_call>{\"name\": \"python\", \"arguments\": {\"code\": \"print(";
    private const string PythonClose = ")\"}}</tool_call>";

    /// <summary>The extra tokens of the task tokenizer for tool runs: the calls' fixed parts (also after a space) and the tool message's.</summary>
    public static IReadOnlyList<string> Phrases { get; } =
    [
        CalculatorOpen, " " + CalculatorOpen, CalculatorClose, PythonOpen, " " + PythonOpen, PythonClose,
        ToolMessageFormat.Plain.Prefix, ToolMessageFormat.Plain.Suffix, "\n" + ToolMessageFormat.Plain.Suffix,
    ];

    /// <summary>A task tokenizer with <see cref="Phrases"/>.</summary>
    public static TaskTokenizer CreateTokenizer() => new(Phrases);

    /// <summary>The call that computes <paramref name="expression"/> with <paramref name="tool"/>.</summary>
    public static string Call(ZeroToolKind tool, string expression) => tool == ZeroToolKind.Python
        ? PythonOpen + expression + PythonClose
        : CalculatorOpen + expression + CalculatorClose;

    /// <summary>What the tool prints for an integer result (Python's <c>print</c> ends the line).</summary>
    public static string Output(ZeroToolKind tool, long value) =>
        value.ToString(CultureInfo.InvariantCulture) + (tool == ZeroToolKind.Python ? "\n" : "");

    /// <summary>A completion that calls the tool, reads its output and answers with it: the corpus' tool-using solution.</summary>
    public static string Solution(ZeroToolKind tool, ReasoningProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return $" <think> {Call(tool, problem.Expression)}{ToolMessageFormat.Plain.Render(Output(tool, problem.Target))} </think> <answer>{problem.Target}</answer>";
    }

    /// <summary>
    /// The calculator: <c>{"expression": "..."}</c> evaluated exactly (<see cref="ArithmeticExpression"/>: + − × ÷,
    /// parentheses); prints an integer, or a fraction <c>p/q</c>. A malformed expression is an error the model reads.
    /// </summary>
    public static FunctionTool CreateCalculator() => new(CalculatorName,
        """{"name": "calculator", "description": "Evaluates an arithmetic expression exactly (+ - * / and parentheses).", "parameters": {"type": "object", "properties": {"expression": {"type": "string"}}, "required": ["expression"]}}""",
        (arguments, _) =>
        {
            if (arguments.ValueKind != JsonValueKind.Object || !arguments.TryGetProperty("expression", out var e) || e.ValueKind != JsonValueKind.String)
                throw new ToolFailedException("error: the calculator takes {\"expression\": \"...\"}");
            ExpressionValue value;
            try { value = ArithmeticExpression.Evaluate(e.GetString()!); }
            catch (ExpressionException x) { throw new ToolFailedException("error: " + x.Message); }
            var v = value.Value;
            return Task.FromResult(v.IsInteger ? v.Numerator.ToString(CultureInfo.InvariantCulture) : $"{v.Numerator}/{v.Denominator}");
        });
}
