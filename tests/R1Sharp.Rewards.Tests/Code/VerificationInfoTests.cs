using System.Text.Json;
using R1Sharp.Rewards.Code;
using R1Sharp.Rewards.Code.TestCases;

namespace R1Sharp.Rewards.Tests.Code;

public sealed class VerificationInfoTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Fact]
    public void Open_r1_stdin_stdout_rows_parse_from_an_object_or_a_string()
    {
        const string info = """{"language":"python","test_cases":[{"input":"1 2\n","output":"3\n","type":"stdin_stdout"}]}""";
        foreach (var value in new[] { Json(info), JsonSerializer.SerializeToElement(info) })
        {
            var parsed = VerificationInfo.Parse(value);
            Assert.Equal(CodeLanguage.Python, parsed.Language);
            var test = Assert.IsType<StdinStdoutTestCase>(Assert.Single(parsed.TestCases));
            Assert.Equal("1 2\n", test.Input);
            Assert.Equal("3\n", test.ExpectedOutput);
        }
    }

    [Fact]
    public void Function_call_input_is_a_list_of_argument_lists()
    {
        var parsed = VerificationInfo.Parse(Json("""{"test_cases":[{"type":"function_call","fn_name":"add","input":[[1,2],[3,4]],"output":[3,7]}]}"""));
        var test = Assert.IsType<FunctionCallTestCase>(Assert.Single(parsed.TestCases));
        Assert.Equal("add", test.FunctionName);
        Assert.Equal(2, test.Arguments.Count);
        Assert.Equal(4, test.Arguments[1][1].GetInt32());
        Assert.Equal(7, test.Expected[1].GetInt32());
    }

    [Fact]
    public void A_single_call_layout_is_read_when_the_list_reading_does_not_fit()
    {
        var parsed = VerificationInfo.Parse(Json("""{"test_cases":[{"type":"function_call","fn_name":"pairs","input":[[1,4,8],8],"output":[[1,7]]}]}"""));
        var test = Assert.IsType<FunctionCallTestCase>(Assert.Single(parsed.TestCases));
        var call = Assert.Single(test.Arguments);
        Assert.Equal(2, call.Count);
        Assert.Equal(JsonValueKind.Array, call[0].ValueKind);
        Assert.Equal("[1,7]", Assert.Single(test.Expected).GetRawText());
    }

    [Theory]
    [InlineData("""[]""", "verification_info: expected an object")]
    [InlineData("""{"language":"python"}""", "verification_info.test_cases: missing")]
    [InlineData("""{"test_cases":[]}""", "verification_info.test_cases: empty")]
    [InlineData("""{"language":"cobol","test_cases":[{"input":"","output":""}]}""", "verification_info.language: unsupported language \"cobol\"")]
    [InlineData("""{"test_cases":[{"input":"1"}]}""", "verification_info.test_cases[0].output: missing")]
    [InlineData("""{"test_cases":[{"input":"1","output":"2"},{"input":3,"output":"4"}]}""", "verification_info.test_cases[1].input: expected String, found Number")]
    [InlineData("""{"test_cases":[{"type":"checker","input":"1","output":"2"}]}""", "verification_info.test_cases[0].type: unknown test type 'checker'")]
    [InlineData("""{"test_cases":[{"type":"function_call","fn_name":"os.system","input":[[1]],"output":[1]}]}""", "verification_info.test_cases[0].fn_name: 'os.system' is not a Python identifier")]
    [InlineData("""{"test_cases":[{"type":"function_call","fn_name":"f","input":[[1],[2]],"output":[1,2,3]}]}""", "verification_info.test_cases[0]: input has 2 entries and output 3")]
    [InlineData("""{"language":"cpp","test_cases":[{"type":"function_call","fn_name":"f","input":[[1]],"output":[1]}]}""", "function_call tests are supported for Python only")]
    public void Malformed_info_names_the_field_and_the_problem(string json, string expected)
    {
        var error = Assert.Throws<VerificationInfoException>(() => VerificationInfo.Parse(Json(json)));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_string_that_is_not_json_is_reported()
    {
        var error = Assert.Throws<VerificationInfoException>(() => VerificationInfo.Parse(JsonSerializer.SerializeToElement("{not json")));
        Assert.StartsWith("verification_info: a string that is not valid JSON", error.Message);
    }
}
