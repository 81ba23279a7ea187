using R1Sharp.Rewards.Language;

namespace R1Sharp.Rewards.Tests.Language;

public class WordSegmenterTests
{
    private static string[] Words(string text) =>
        [.. WordSegmenter.Segment(text).Select(w => text.Substring(w.Index, w.Length))];

    private static WritingScript[] Scripts(string text) => [.. WordSegmenter.Segment(text).Select(w => w.Script)];

    [Fact]
    public void Latin_words_are_letter_runs_keeping_contractions_and_hyphens()
    {
        Assert.Equal(["Let's", "check", "the", "well-known", "result", "again"], Words("Let's check the well-known result, again!"));
    }

    [Fact]
    public void Each_han_character_is_a_word()
    {
        Assert.Equal(["我", "们", "先", "算"], Words("我们先算。"));
        Assert.All(Scripts("我们先算"), s => Assert.Equal(WritingScript.Han, s));
    }

    [Fact]
    public void Numbers_punctuation_and_lone_variable_letters_are_neutral()
    {
        Assert.Equal(["so", "is"], Words("so x = 12.5 is 3+4 ; y"));
        Assert.Empty(Words("1 + 2 = 3, 42!"));
    }

    [Theory]
    [InlineData("Compute $\\frac{a}{b} + \\sqrt{xyz}$ now", new[] { "Compute", "now" })]
    [InlineData("Then $$\nalpha beta\n$$ done", new[] { "Then", "done" })]
    [InlineData("Then \\[ alpha beta \\] and \\( gamma \\) done", new[] { "Then", "and", "done" })]
    [InlineData("Run `print hello` here", new[] { "Run", "here" })]
    [InlineData("Code:\n```python\ndef solve(): return answer\n```\nDone", new[] { "Code", "Done" })]
    [InlineData("Using \\alpha and \\beta here", new[] { "Using", "and", "here" })]
    public void Code_and_math_are_neutral(string text, string[] expected) => Assert.Equal(expected, Words(text));

    [Fact]
    public void A_lone_dollar_sign_does_not_hide_the_rest_of_the_line()
    {
        Assert.Equal(["costs", "total"], Words("costs $5\ntotal"));
        Assert.Equal(["it", "costs", "dollars"], Words("it costs $5 dollars"));
    }

    [Fact]
    public void Unclosed_fenced_code_in_a_truncated_completion_runs_to_the_end()
    {
        Assert.Equal(["Here"], Words("Here\n```python\nprint(unfinished words"));
    }

    [Fact]
    public void Scripts_are_told_apart()
    {
        Assert.Equal(
            [WritingScript.Latin, WritingScript.Han, WritingScript.Kana, WritingScript.Kana, WritingScript.Hangul, WritingScript.Cyrillic, WritingScript.Other],
            Scripts("hello 中 かな 한국어 привет γειά"));
    }

    [Fact]
    public void Characters_outside_the_basic_plane_are_one_word_each()
    {
        // U+20BB7 is a Han character written as a surrogate pair.
        string text = "\U00020BB7\U00020BB7 ok";
        Assert.Equal(["\U00020BB7", "\U00020BB7", "ok"], Words(text));
    }

    [Fact]
    public void Empty_and_whitespace_text_has_no_words()
    {
        Assert.Empty(Words(""));
        Assert.Empty(Words(" \n\t "));
    }

    [Fact]
    public void Markup_tags_are_neutral_but_a_less_than_sign_is_not_a_tag()
    {
        Assert.Equal(["easy", "sum", "done"], Words("<think>easy sum</think><answer>done</answer>"));
        Assert.Equal(["if", "then", "stop"], Words("if a < b then stop"));
    }
}
