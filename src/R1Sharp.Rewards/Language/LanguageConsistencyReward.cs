using R1Sharp.Rewards.Format;

namespace R1Sharp.Rewards.Language;

/// <summary>
/// The share of the chain of thought's words written in the target language (DeepSeek-R1 §2.3.2, added to the
/// accuracy reward in R1's reasoning RL to stop language mixing). Score range: [0, 1]; null when the measured text
/// holds no countable word or the completion has no reasoning block.
/// </summary>
/// <remarks>
/// Words are counted by <see cref="WordSegmenter"/>: Han and kana one per character, other scripts per letter run;
/// code, math, numbers and lone variable letters are neutral. The reasoning is the text after <c>&lt;think&gt;</c>
/// (or the completion's start when the prompt opened it) up to <c>&lt;/think&gt;</c>, or to the end when cut off.
/// </remarks>
public sealed class LanguageConsistencyReward : IRewardFunction
{
    private readonly LanguageConsistencyRewardOptions _options;

    /// <summary>Creates the reward.</summary>
    /// <param name="options">Options; null for English reasoning.</param>
    /// <exception cref="ArgumentException">A tag name is invalid or the target is not a defined language.</exception>
    public LanguageConsistencyReward(LanguageConsistencyRewardOptions? options = null)
    {
        _options = options ?? new LanguageConsistencyRewardOptions();
        _options.Tags.Validate();
        if (!Enum.IsDefined(_options.Target))
            throw new ArgumentException($"Unknown target language {(int)_options.Target}.", nameof(options));
        if (_options.LanguageField is { } field && string.IsNullOrWhiteSpace(field))
            throw new ArgumentException("LanguageField is blank; leave it null to use Target for every row.", nameof(options));
    }

    /// <inheritdoc />
    public string Name => "language";

    /// <summary>The options this reward was created with.</summary>
    public LanguageConsistencyRewardOptions Options => _options;

    /// <inheritdoc />
    /// <exception cref="FormatException">The row's language field holds an unknown language.</exception>
    public ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ValueTask.FromResult(Score(input));
    }

    private double? Score(RewardInput input)
    {
        ReasoningLanguage target = TargetFor(input);
        string? text = _options.Section == LanguageSection.Completion
            ? input.Completion
            : TagScanner.Thinking(
                input.Completion,
                TagScanner.ThinkOpenedByPrompt(input.Prompt, _options.ThinkOpening, _options.Tags),
                _options.Tags);
        if (text is null) return null;

        int counted = 0, inTarget = 0;
        foreach (CountedWord word in WordSegmenter.Segment(text))
        {
            counted++;
            if (target.Accepts(word.Script)) inTarget++;
        }
        return counted == 0 ? null : (double)inTarget / counted;
    }

    private ReasoningLanguage TargetFor(RewardInput input)
    {
        if (_options.LanguageField is not { } field) return _options.Target;
        string? value = input.Field(field);
        if (value is null) return _options.Target;
        if (ReasoningLanguageCodes.TryParse(value, out ReasoningLanguage? language)) return language.Value;
        throw new FormatException(
            $"Row field '{field}' = '{value}' is not a known language; expected {ReasoningLanguageCodes.Known}.");
    }
}
