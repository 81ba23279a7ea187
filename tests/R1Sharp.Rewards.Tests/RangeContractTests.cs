using R1Sharp.Rewards.Format;
using R1Sharp.Rewards.Language;
using R1Sharp.Rewards.Length;
using R1Sharp.Rewards.Repetition;

namespace R1Sharp.Rewards.Tests;

/// <summary>Every built-in reward stays inside its documented range on arbitrary, hostile input.</summary>
public class RangeContractTests
{
    private static readonly string[] Pieces =
    [
        "<think>", "</think>", "<answer>", "</answer>", "<think", "</ans", "\n", " ", "\t", "$", "$$", "`", "```", "\\[", "\\]",
        "\\(", "\\frac", "x", "word", "Wait", "思考", "答", "かな", "한국", "привет", "🤔", "\u0301", "\0", "\uFFFD", "42", "\\boxed{",
        "\uD83D", // a lone high surrogate: invalid UTF-16 must not crash the scanners
    ];

    public static TheoryData<string> Rewards => ["format", "format_lenient", "format_think_only", "tag_count", "language", "repetition", "cosine", "overlong"];

    [Theory]
    [MemberData(nameof(Rewards))]
    public async Task Scores_stay_in_range_on_random_input(string which)
    {
        (IRewardFunction reward, double min, double max) = Create(which);
        var random = new Random(which.GetHashCode(StringComparison.Ordinal) & 0x7FFF);
        for (int i = 0; i < 400; i++)
        {
            string completion = RandomText(random, random.Next(0, 40));
            string prompt = random.Next(3) == 0 ? Inputs.DistillPrompt : Inputs.ZeroPrompt;
            var input = Inputs.Of(completion, prompt, tokens: completion.Length + random.Next(0, 3000), truncated: random.Next(5) == 0);
            double? score = await reward.ScoreAsync(input);
            if (score is { } s)
            {
                Assert.True(double.IsFinite(s), $"{which}: {s} for {Escape(completion)}");
                Assert.InRange(s, min, max);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Rewards))]
    public async Task Empty_completions_are_scored_without_error(string which)
    {
        (IRewardFunction reward, double min, double max) = Create(which);
        double? score = await reward.ScoreAsync(Inputs.Of("", tokens: 0));
        if (score is { } s) Assert.InRange(s, min, max);
        if (which.StartsWith("format", StringComparison.Ordinal) || which == "tag_count") Assert.Equal(0.0, score);
    }

    [Fact]
    public async Task A_megabyte_of_looping_text_is_scored()
    {
        string huge = string.Concat(Enumerable.Repeat("<think>wait, let me re-check 思考 $x^2$ ", 30_000));
        foreach (string which in Rewards)
        {
            (IRewardFunction reward, double min, double max) = Create(which);
            double? score = await reward.ScoreAsync(Inputs.Of(huge, tokens: 250_000));
            if (score is { } s) Assert.InRange(s, min, max);
        }
        double repetition = (await new RepetitionPenaltyReward().ScoreAsync(Inputs.Of(huge)))!.Value;
        Assert.True(repetition < -0.99, $"looping text penalised only {repetition}");
    }

    private static (IRewardFunction Reward, double Min, double Max) Create(string which) => which switch
    {
        "format" => (new FormatReward(), 0, 1),
        "format_lenient" => (new FormatReward(new() { Mode = FormatMode.Lenient }), 0, 1),
        "format_think_only" => (new FormatReward(new() { Mode = FormatMode.ThinkOnly }), 0, 1),
        "tag_count" => (new TagCountReward(), 0, 1),
        "language" => (new LanguageConsistencyReward(), 0, 1),
        "repetition" => (new RepetitionPenaltyReward(new() { NgramSize = 2, MaxPenalty = -0.7 }), -0.7, 0),
        "cosine" => (new CosineScaledReward(new TagCountReward(), new() { MaxLength = 500, CorrectThreshold = 0.5 }), -1, 1),
        "overlong" => (new SoftOverlongPunishmentReward(new() { MaxLength = 2000, CacheLength = 500, PenaltyFactor = 1.5 }), -1.5, 0),
        _ => throw new ArgumentOutOfRangeException(nameof(which)),
    };

    private static string RandomText(Random random, int pieces) =>
        string.Concat(Enumerable.Range(0, pieces).Select(_ => Pieces[random.Next(Pieces.Length)]));

    private static string Escape(string text) => string.Concat(text.Select(c => c < 32 || c > 126 ? $"\\u{(int)c:X4}" : c.ToString()));
}
