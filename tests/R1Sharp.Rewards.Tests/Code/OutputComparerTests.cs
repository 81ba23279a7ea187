using System.Text.Json;
using R1Sharp.Rewards.Sandbox.Judging;

namespace R1Sharp.Rewards.Tests.Code;

public sealed class OutputComparerTests
{
    [Theory]
    [InlineData("1 2 3\n", "1 2 3")]
    [InlineData("1 2 3\n", "1\t2\n3   \n\n")]
    [InlineData("YES\r\n", "YES")]
    public void Whitespace_differences_do_not_matter(string expected, string actual) =>
        Assert.True(OutputComparer.Matches(expected, actual, null, out _));

    [Fact]
    public void Token_differences_are_reported()
    {
        Assert.False(OutputComparer.Matches("1 2 3", "1 2 4", null, out string difference));
        Assert.Equal("token 3: expected '3', got '4'", difference);
        Assert.False(OutputComparer.Matches("1 2", "1 2 3", null, out difference));
        Assert.Equal("expected 2 tokens, got 3", difference);
        Assert.False(OutputComparer.Matches("12", "1 2", null, out _));
    }

    [Fact]
    public void Floats_match_within_the_tolerance_only_when_one_is_given()
    {
        Assert.False(OutputComparer.Matches("0.333333", "0.3333333333", null, out _));
        Assert.True(OutputComparer.Matches("0.333333", "0.3333333333", 1e-6, out _));
        Assert.False(OutputComparer.Matches("0.333", "0.334", 1e-6, out _));
        Assert.True(OutputComparer.Matches("1000000000", "1000000001", 1e-6, out _)); // relative for large values
        Assert.False(OutputComparer.Matches("abc", "abd", 1e-6, out _));
        Assert.False(OutputComparer.Matches("nan", "nan0", 1e-6, out _));
    }

    [Theory]
    [InlineData("3", "3.0", null, true)]
    [InlineData("[1,[2,3]]", "[1,[2,3]]", null, true)]
    [InlineData("[1,2]", "[2,1]", null, false)]
    [InlineData("true", "1", null, false)]
    [InlineData("{\"a\":1,\"b\":[2]}", "{\"b\":[2],\"a\":1}", null, true)]
    [InlineData("{\"a\":1}", "{\"a\":1,\"b\":2}", null, false)]
    [InlineData("0.1", "0.1000001", null, false)]
    [InlineData("0.1", "0.1000001", 1e-5, true)]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890", null, true)]
    [InlineData("\"x\"", "\"y\"", null, false)]
    [InlineData("null", "null", null, true)]
    public void Json_results_compare_like_python_values(string expected, string actual, double? tolerance, bool equal)
    {
        var e = JsonDocument.Parse(expected).RootElement;
        var a = JsonDocument.Parse(actual).RootElement;
        Assert.Equal(equal, JsonValueComparer.Equal(e, a, tolerance));
    }
}
