using R1Sharp.Rewards.Repetition;

namespace R1Sharp.Rewards.Tests.Repetition;

public class RepetitionPenaltyRewardTests
{
    private static double Penalty(string text, int n = 3, double max = -1.0) =>
        new RepetitionPenaltyReward(new RepetitionPenaltyRewardOptions { NgramSize = n, MaxPenalty = max }).Score(Inputs.Of(text))!.Value;

    [Fact]
    public void Text_without_repeated_ngrams_is_not_penalised()
    {
        Assert.Equal(0.0, Penalty("the quick brown fox jumps over the lazy dog"));
    }

    [Fact]
    public void The_penalty_is_the_share_of_repeated_ngrams_times_the_maximum()
    {
        // "a b c a b c": 4 trigrams (abc, bca, cab, abc), 3 distinct: 1 - 3/4 = 0.25.
        Assert.Equal(-0.25, Penalty("a b c a b c"), 12);
        Assert.Equal(-0.125, Penalty("a b c a b c", max: -0.5), 12);
    }

    [Fact]
    public void Endless_repetition_approaches_the_maximum_penalty()
    {
        string looping = string.Concat(Enumerable.Repeat("wait let me check ", 2000));
        double penalty = Penalty(looping);
        // 8000 words, 7998 trigrams, 4 distinct.
        Assert.Equal(-(1 - 4.0 / 7998), penalty, 12);
        Assert.True(penalty > -1.0);
    }

    [Fact]
    public void Case_is_ignored()
    {
        Assert.Equal(Penalty("Wait let me WAIT LET ME"), Penalty("wait let me wait let me"));
        Assert.True(Penalty("Wait let me WAIT LET ME") < 0);
    }

    [Theory]
    [InlineData("")]
    [InlineData("one two")]
    [InlineData("   ")]
    public void Completions_shorter_than_one_ngram_are_not_penalised(string text) => Assert.Equal(0.0, Penalty(text));

    [Fact]
    public void Chinese_is_split_into_characters_so_repetition_is_seen()
    {
        Assert.True(Penalty("我们再检查一下我们再检查一下我们再检查一下") < -0.5);
        Assert.Equal(0.0, Penalty("我们先算一下结果"));
    }

    [Fact]
    public void Unigram_penalty_counts_repeated_words()
    {
        // 4 words, 2 distinct.
        Assert.Equal(-0.5, Penalty("yes no yes no", n: 1), 12);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    public void Matches_a_plain_string_ngram_count_on_random_text(int n)
    {
        // Reference: the definition written the slow, obvious way (space-split ASCII words, joined n-grams).
        string[] vocabulary = ["wait", "so", "x", "Is", "is", "2", "check", "again", "the", "answer"];
        var random = new Random(n);
        for (int trial = 0; trial < 50; trial++)
        {
            string[] words = [.. Enumerable.Range(0, random.Next(0, 60)).Select(_ => vocabulary[random.Next(vocabulary.Length)])];
            string text = string.Join(random.Next(2) == 0 ? " " : " \n ", words);
            string[] lower = [.. words.Select(w => w.ToLowerInvariant())];
            int total = lower.Length - n + 1;
            double expected = total <= 0 ? 0.0
                : -(1.0 - (double)Enumerable.Range(0, total).Select(i => string.Join(' ', lower, i, n)).Distinct().Count() / total);
            Assert.Equal(expected, Penalty(text, n), 12);
        }
    }

    [Theory]
    [InlineData(0, -1.0)]
    [InlineData(3, 0.5)]
    [InlineData(3, double.NegativeInfinity)]
    public void Invalid_options_are_refused(int n, double max) =>
        Assert.Throws<ArgumentException>(() => new RepetitionPenaltyReward(new() { NgramSize = n, MaxPenalty = max }));
}
