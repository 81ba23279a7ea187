using R1Sharp.Verify.Numbers;

namespace R1Sharp.Verify.Tests.Numbers;

public class ThousandsSeparatorsTests
{
    [Theory]
    [InlineData("1,234", "1234")]
    [InlineData("7,425,000", "7425000")]
    [InlineData("1{,}234", "1234")]
    [InlineData("1\\,234", "1234")]
    [InlineData("11,\\! 111,\\! 111,\\! 100", "11111111100")]
    [InlineData("1,000.99", "1000.99")]
    [InlineData("1,22", "1,22")]
    [InlineData("32, 349", "32, 349")]
    [InlineData("1234,567", "1234,567")]
    [InlineData("0,111", "0,111")]
    [InlineData("(12,102)", "(12,102)")]
    [InlineData("1,2345", "1,2345")]
    public void Removes_only_valid_groupings(string input, string expected) =>
        Assert.Equal(expected, ThousandsSeparators.Remove(input));
}
