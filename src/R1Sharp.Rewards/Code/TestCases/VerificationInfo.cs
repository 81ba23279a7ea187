using System.Text.Json;

namespace R1Sharp.Rewards.Code.TestCases;

/// <summary>
/// The tests of one coding problem, in the layout of open-r1's code data sets (row field <c>verification_info</c>):
/// <code>
/// {"language": "python",
///  "test_cases": [{"type": "stdin_stdout", "input": "1 2\n", "output": "3\n"},
///                 {"type": "function_call", "fn_name": "add", "input": [[1, 2], [3, 4]], "output": [3, 7]}]}
/// </code>
/// A function-call test's <c>input</c> is a list of argument lists (one call each) and its <c>output</c> the list of
/// expected return values, one per call. When <c>input</c> cannot be read that way (not every element is a list, or the
/// counts differ) and <c>output</c> has exactly one element, the test is one call with <c>input</c> as its arguments
/// and <c>output[0]</c> as its result. The field may hold the object itself or a JSON string of it.
/// </summary>
/// <param name="Language">The language the program must be written in.</param>
/// <param name="TestCases">The tests, in order.</param>
public sealed record VerificationInfo(CodeLanguage Language, IReadOnlyList<CodeTestCase> TestCases)
{
    /// <summary>Reads a <c>verification_info</c> value; throws <see cref="VerificationInfoException"/> naming the bad field.</summary>
    /// <param name="value">The field's value (an object, or a string holding one).</param>
    /// <param name="defaultLanguage">The language when the value has no <c>language</c> field.</param>
    /// <param name="fieldName">The row field's name, for messages.</param>
    public static VerificationInfo Parse(JsonElement value, CodeLanguage defaultLanguage = CodeLanguage.Python, string fieldName = "verification_info")
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var document = JsonDocument.Parse(value.GetString()!);
                return Parse(document.RootElement.Clone(), defaultLanguage, fieldName);
            }
            catch (JsonException e)
            {
                throw new VerificationInfoException(fieldName, $"a string that is not valid JSON ({e.Message})");
            }
        }
        if (value.ValueKind != JsonValueKind.Object)
            throw new VerificationInfoException(fieldName, $"expected an object, found {value.ValueKind}");

        var language = defaultLanguage;
        if (value.TryGetProperty("language", out var lang) && lang.ValueKind != JsonValueKind.Null)
        {
            if (lang.ValueKind != JsonValueKind.String || !CodeLanguageNames.TryParse(lang.GetString(), out language))
                throw new VerificationInfoException($"{fieldName}.language",
                    $"unsupported language {lang.GetRawText()} (supported: {string.Join(", ", Enum.GetNames<CodeLanguage>())})");
        }
        if (!value.TryGetProperty("test_cases", out var cases))
            throw new VerificationInfoException($"{fieldName}.test_cases", "missing");
        if (cases.ValueKind != JsonValueKind.Array)
            throw new VerificationInfoException($"{fieldName}.test_cases", $"expected an array, found {cases.ValueKind}");
        if (cases.GetArrayLength() == 0)
            throw new VerificationInfoException($"{fieldName}.test_cases", "empty: a program cannot be judged without tests");

        var tests = new List<CodeTestCase>();
        int index = 0;
        foreach (var test in cases.EnumerateArray())
        {
            string path = $"{fieldName}.test_cases[{index++}]";
            if (test.ValueKind != JsonValueKind.Object)
                throw new VerificationInfoException(path, $"expected an object, found {test.ValueKind}");
            string type = test.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "stdin_stdout";
            tests.Add(type switch
            {
                "stdin_stdout" => ParseStdinStdout(test, path),
                "function_call" => ParseFunctionCall(test, path, language),
                _ => throw new VerificationInfoException($"{path}.type", $"unknown test type '{type}' (expected stdin_stdout or function_call)"),
            });
        }
        return new VerificationInfo(language, tests);
    }

    private static StdinStdoutTestCase ParseStdinStdout(JsonElement test, string path) =>
        new(RequiredString(test, "input", path), RequiredString(test, "output", path));

    private static FunctionCallTestCase ParseFunctionCall(JsonElement test, string path, CodeLanguage language)
    {
        if (language != CodeLanguage.Python)
            throw new VerificationInfoException($"{path}.type", $"function_call tests are supported for Python only, not {language}");
        string name = RequiredString(test, "fn_name", path);
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_') || !name.All(c => char.IsLetterOrDigit(c) || c == '_'))
            throw new VerificationInfoException($"{path}.fn_name", $"'{name}' is not a Python identifier");
        var input = Required(test, "input", path, JsonValueKind.Array);
        var output = Required(test, "output", path, JsonValueKind.Array);
        var inputs = input.EnumerateArray().Select(e => e.Clone()).ToList();
        var outputs = output.EnumerateArray().Select(e => e.Clone()).ToList();

        bool listOfCalls = inputs.Count == outputs.Count && inputs.All(e => e.ValueKind == JsonValueKind.Array);
        if (listOfCalls)
        {
            if (inputs.Count == 0)
                throw new VerificationInfoException($"{path}.input", "no calls");
            return new FunctionCallTestCase(name, inputs.Select(a => (IReadOnlyList<JsonElement>)a.EnumerateArray().ToList()).ToList(), outputs);
        }
        if (outputs.Count == 1)
            return new FunctionCallTestCase(name, [inputs], outputs);
        throw new VerificationInfoException(path,
            $"input has {inputs.Count} entries and output {outputs.Count}: expected one argument list per expected result");
    }

    private static string RequiredString(JsonElement test, string name, string path) =>
        Required(test, name, path, JsonValueKind.String).GetString()!;

    private static JsonElement Required(JsonElement test, string name, string path, JsonValueKind kind)
    {
        if (!test.TryGetProperty(name, out var value))
            throw new VerificationInfoException($"{path}.{name}", "missing");
        if (value.ValueKind != kind)
            throw new VerificationInfoException($"{path}.{name}", $"expected {kind}, found {value.ValueKind}");
        return value;
    }
}
