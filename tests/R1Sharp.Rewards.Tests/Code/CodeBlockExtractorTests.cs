using R1Sharp.Rewards.Code;

namespace R1Sharp.Rewards.Tests.Code;

public sealed class CodeBlockExtractorTests
{
    [Theory]
    [InlineData("python")]
    [InlineData("py")]
    [InlineData("Python3")]
    [InlineData("py3")]
    public void Python_fence_tags_are_recognised(string tag)
    {
        string completion = $"Here:\n```{tag}\nprint(1)\n```\n";
        Assert.Equal("print(1)\n", CodeBlockExtractor.ExtractLast(completion, CodeLanguage.Python));
    }

    [Fact]
    public void The_last_block_of_the_language_wins_and_other_languages_are_ignored()
    {
        string completion = "```python\nprint('first')\n```\ntext\n```cpp\nint main(){}\n```\n```python\nprint('second')\n```\n```bash\nls\n```";
        Assert.Equal("print('second')\n", CodeBlockExtractor.ExtractLast(completion, CodeLanguage.Python));
        Assert.Equal("int main(){}\n", CodeBlockExtractor.ExtractLast(completion, CodeLanguage.Cpp));
    }

    [Fact]
    public void Code_inside_think_is_not_the_answer()
    {
        string completion = "<think>\n```python\nprint('draft')\n```\n</think>\nNo code here.";
        Assert.Null(CodeBlockExtractor.ExtractLast(completion, CodeLanguage.Python));
        Assert.Equal("print('final')\n",
            CodeBlockExtractor.ExtractLast(completion + "\n```python\nprint('final')\n```", CodeLanguage.Python));
    }

    [Fact]
    public void An_unclosed_block_is_no_program()
    {
        Assert.Null(CodeBlockExtractor.ExtractLast("```python\nprint(1)\n", CodeLanguage.Python));
        Assert.Equal("a = 1\n", CodeBlockExtractor.ExtractLast("```python\na = 1\n```\n```python\nb = 2", CodeLanguage.Python));
    }

    [Fact]
    public void Untagged_blocks_count_only_when_asked()
    {
        string completion = "```\nprint(1)\n```";
        Assert.Null(CodeBlockExtractor.ExtractLast(completion, CodeLanguage.Python));
        Assert.Equal("print(1)\n", CodeBlockExtractor.ExtractLast(completion, CodeLanguage.Python, acceptUntagged: true));
    }

    [Fact]
    public void Longer_fences_tildes_info_strings_and_crlf_are_handled()
    {
        Assert.Equal("x = '```'\n", CodeBlockExtractor.ExtractLast("````python\nx = '```'\n````", CodeLanguage.Python));
        Assert.Equal("print(2)\n", CodeBlockExtractor.ExtractLast("~~~py title=\"a.py\"\nprint(2)\n~~~", CodeLanguage.Python));
        Assert.Equal("print(3)\n", CodeBlockExtractor.ExtractLast("```python\r\nprint(3)\r\n```\r\n", CodeLanguage.Python));
        Assert.Equal("int main(){return 0;}\n", CodeBlockExtractor.ExtractLast("```c++\nint main(){return 0;}\n```", CodeLanguage.Cpp));
    }

    [Fact]
    public void Inline_backticks_are_not_fences()
    {
        Assert.Null(CodeBlockExtractor.ExtractLast("use ``` python ``` inline", CodeLanguage.Python));
        Assert.Null(CodeBlockExtractor.ExtractLast("    ```python\n    print(1)\n    ```", CodeLanguage.Python));
    }
}
