namespace R1Sharp.Tests.Text.Tokenization;

/// <summary>Varied strings on which our ids must equal Hugging Face's.</summary>
internal static class TokenizerSamples
{
    /// <summary>0..All.Length-1, for [MemberData] theories over the samples.</summary>
    public static TheoryData<int> Indexes()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < All.Length; i++) data.Add(i);
        return data;
    }

    public static readonly string[] All =
    [
        "Hello, world!",
        "The quick brown fox jumps over the lazy dog.",
        "  leading and trailing spaces  ",
        "tabs\tand\nnewlines\r\nand CRLF\r\n\r\n",
        "multiple     spaces    between\n\n\n  words",
        "1234567890 3.14159 -42 1e10 1,000,000 0.000001",
        "123456789012345678901234567890",
        "x = 12345 + 678; y = x ** 2",
        "def f(x):\n    return [i * 2 for i in range(x)]  # comment\n",
        "public static int Main(string[] args) { Console.WriteLine(\"hi\"); return 0; }",
        "I'm sure it's they're we've I'll he'd I'M IT'S",
        "中文分词测试：我们今天去北京。",
        "日本語のテキストとカタカナ、ひらがな。",
        "한국어 텍스트입니다.",
        "Emoji: 😀🎉👍🏽 family 👨‍👩‍👧‍👦 flags 🇫🇷🇯🇵",
        "a😀b 😀word word😀 x🎉1",
        "math: ∫₀¹ x² dx = ⅓, α+β≥γ, √2 ≈ 1.41421",
        "𝕏𝕐 𝒜 supplementary letters 𠀀𠀁 and digits 𝟙𝟚𝟛",
        "Ünïcödé àccénts and ﬁ ligature, e\u0301 combining",
        "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n",
        "text<|endoftext|>more text<|im_end|><|im_start|>",
        "<tool_call>\n{\"name\": \"f\"}\n</tool_call>",
        "<think>\nLet me think... 17 * 23 = 391\n</think>\n<answer>391</answer>",
        "Please reason step by step, and put your final answer within \\boxed{}.",
        "\\frac{1}{2} + \\sqrt{3} = x^{2}",
        "\u00a0non-breaking\u2009thin\u3000ideographic space",
        "zero\u200bwidth\u200djoiner",
        "",
        " ",
        "\n",
        "!!!???...,,,;;;",
        "https://example.com/path?q=1&r=two#frag",
        "UPPER lower MiXeD CaSe",
        "Ωmega Ελληνικά Русский текст עברית العربية",
    ];
}
