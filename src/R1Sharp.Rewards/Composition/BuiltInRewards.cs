using R1Sharp.Rewards.Accuracy;
using R1Sharp.Rewards.Code;
using R1Sharp.Rewards.Format;
using R1Sharp.Rewards.Language;
using R1Sharp.Rewards.Length;
using R1Sharp.Rewards.Repetition;

namespace R1Sharp.Rewards.Composition;

/// <summary>Registers the rewards of this assembly under their spec names and option keys (documented in docs/rewards.md).</summary>
internal static class BuiltInRewards
{
    public static void RegisterAll(RewardRegistry registry)
    {
        registry.Register("format", "1 when the completion has the reasoning layout (strict, lenient or think_only), else 0", CreateFormat);
        registry.Register("tag_count", "0.25 per well-placed think/answer tag, 0..1", CreateTagCount);
        registry.Register("language", "share of the reasoning's words in the target language, 0..1", CreateLanguage);
        registry.Register("cosine", "correctness scaled by length on a cosine schedule, -1..1 by default", CreateCosine);
        registry.Register("repetition", "n-gram repetition penalty, max_penalty..0", CreateRepetition);
        registry.Register("overlong", "DAPO soft over-length penalty, -penalty_factor..0", CreateOverlong);
        registry.Register("accuracy", "1 when the final answer is equivalent to the gold (R1Sharp.Verify), else 0; null without a usable gold", CreateAccuracy);
        CodeRewardRegistration.Register(registry);
    }

    private static AccuracyReward CreateAccuracy(RewardOptionReader o)
    {
        var d = new AccuracyRewardOptions();
        return new AccuracyReward(new AccuracyRewardOptions
        {
            AnswerField = o.GetString("answer_field", d.AnswerField)!,
            SolutionField = o.GetString("solution_field", d.SolutionField),
        });
    }

    private static ReasoningTags Tags(RewardOptionReader o, bool withAnswer = true) => new(
        o.GetString("think_tag", ReasoningTags.Default.Think)!,
        withAnswer ? o.GetString("answer_tag", ReasoningTags.Default.Answer)! : ReasoningTags.Default.Answer);

    private static FormatReward CreateFormat(RewardOptionReader o)
    {
        var d = new FormatRewardOptions();
        return new FormatReward(new FormatRewardOptions
        {
            Mode = o.GetEnum("mode", d.Mode),
            ThinkOpening = o.GetEnum("think_opening", d.ThinkOpening),
            RequireContent = o.GetBoolean("require_content", d.RequireContent),
            Tags = Tags(o),
        });
    }

    private static TagCountReward CreateTagCount(RewardOptionReader o)
    {
        var d = new TagCountRewardOptions();
        return new TagCountReward(new TagCountRewardOptions
        {
            ThinkOpening = o.GetEnum("think_opening", d.ThinkOpening),
            RequireOwnLine = o.GetBoolean("own_line", d.RequireOwnLine),
            Tags = Tags(o),
        });
    }

    private static LanguageConsistencyReward CreateLanguage(RewardOptionReader o)
    {
        var d = new LanguageConsistencyRewardOptions();
        string? targetText = o.GetString("target");
        ReasoningLanguage target = d.Target;
        if (targetText is not null)
        {
            if (!ReasoningLanguageCodes.TryParse(targetText, out ReasoningLanguage? parsed))
                throw new RewardConfigurationException($"Reward 'language': option 'target' = '{targetText}' is not a known language; expected {ReasoningLanguageCodes.Known}.");
            target = parsed.Value;
        }
        return new LanguageConsistencyReward(new LanguageConsistencyRewardOptions
        {
            Target = target,
            LanguageField = o.GetString("field"),
            Section = o.GetEnum("section", d.Section),
            ThinkOpening = o.GetEnum("think_opening", d.ThinkOpening),
            Tags = Tags(o, withAnswer: false),
        });
    }

    private static CosineScaledReward CreateCosine(RewardOptionReader o)
    {
        var d = new CosineScaledRewardOptions();
        var options = new CosineScaledRewardOptions
        {
            MinValueWrong = o.GetDouble("min_value_wrong", d.MinValueWrong),
            MaxValueWrong = o.GetDouble("max_value_wrong", d.MaxValueWrong),
            MinValueCorrect = o.GetDouble("min_value_correct", d.MinValueCorrect),
            MaxValueCorrect = o.GetDouble("max_value_correct", d.MaxValueCorrect),
            MaxLength = o.GetInt32("max_len", d.MaxLength),
            Unit = o.GetEnum("unit", d.Unit),
            CorrectThreshold = o.GetDouble("threshold", d.CorrectThreshold),
            ExceedLengthValue = o.GetNullableDouble("exceed_length"),
        };
        // Read last so that every option above is known even when the correctness reward is missing.
        return new CosineScaledReward(o.CreateReward("correctness", "accuracy"), options);
    }

    private static RepetitionPenaltyReward CreateRepetition(RewardOptionReader o)
    {
        var d = new RepetitionPenaltyRewardOptions();
        return new RepetitionPenaltyReward(new RepetitionPenaltyRewardOptions
        {
            NgramSize = o.GetInt32("ngram_size", d.NgramSize),
            MaxPenalty = o.GetDouble("max_penalty", d.MaxPenalty),
        });
    }

    private static SoftOverlongPunishmentReward CreateOverlong(RewardOptionReader o)
    {
        var d = new SoftOverlongPunishmentRewardOptions();
        return new SoftOverlongPunishmentReward(new SoftOverlongPunishmentRewardOptions
        {
            MaxLength = o.GetInt32("max_len", d.MaxLength),
            CacheLength = o.GetInt32("cache_len", d.CacheLength),
            PenaltyFactor = o.GetDouble("penalty_factor", d.PenaltyFactor),
        });
    }
}
