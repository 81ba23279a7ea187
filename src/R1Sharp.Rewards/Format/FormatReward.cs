namespace R1Sharp.Rewards.Format;

/// <summary>
/// Checks the reasoning layout of a completion (RECIPE §3, "format reward"). Score range: exactly 0 or 1; never null.
/// </summary>
/// <remarks>
/// Tags are matched exactly and case-sensitively. In <see cref="FormatMode.Strict"/> and
/// <see cref="FormatMode.ThinkOnly"/> every tag must occur exactly once: a repeated or nested tag (including a
/// <c>&lt;think&gt;</c> written again after the prompt opened one) scores 0. Leading and trailing whitespace is
/// allowed because R1-Zero's template ends with "Assistant:" without a space, so a model naturally starts with one.
/// </remarks>
public sealed class FormatReward : IRewardFunction
{
    private readonly FormatRewardOptions _options;

    /// <summary>Creates the reward.</summary>
    /// <param name="options">Options; null for the defaults (strict, think opening detected from the prompt).</param>
    /// <exception cref="ArgumentException">A tag name is invalid.</exception>
    public FormatReward(FormatRewardOptions? options = null)
    {
        _options = options ?? new FormatRewardOptions();
        _options.Tags.Validate();
        if (!Enum.IsDefined(_options.Mode))
            throw new ArgumentException($"Unknown format mode {(int)_options.Mode}.", nameof(options));
    }

    /// <inheritdoc />
    public string Name => "format";

    /// <summary>The options this reward was created with.</summary>
    public FormatRewardOptions Options => _options;

    /// <inheritdoc />
    public ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ValueTask.FromResult<double?>(IsWellFormatted(input) ? 1.0 : 0.0);
    }

    /// <summary>True when the completion has the layout of <see cref="FormatRewardOptions.Mode"/>.</summary>
    public bool IsWellFormatted(RewardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        bool openedByPrompt = TagScanner.ThinkOpenedByPrompt(input.Prompt, _options.ThinkOpening, _options.Tags);
        string text = input.Completion;
        return _options.Mode switch
        {
            FormatMode.Lenient => LenientMatch(text, openedByPrompt),
            FormatMode.ThinkOnly => ThinkOnlyMatch(text, openedByPrompt),
            _ => StrictMatch(text, openedByPrompt),
        };
    }

    private bool StrictMatch(string text, bool openedByPrompt)
    {
        TagKind[] expected = openedByPrompt
            ? [TagKind.CloseThink, TagKind.OpenAnswer, TagKind.CloseAnswer]
            : [TagKind.OpenThink, TagKind.CloseThink, TagKind.OpenAnswer, TagKind.CloseAnswer];
        List<TagOccurrence> tags = TagScanner.Scan(text, _options.Tags);
        if (!SameKinds(tags, expected)) return false;

        var segments = Segments(tags, text.Length);
        bool IsBlank(Range segment) => text.AsSpan(segment).IsWhiteSpace();
        int thinking = openedByPrompt ? 0 : 1;
        if (!openedByPrompt && !IsBlank(segments[0])) return false;
        if (!IsBlank(segments[thinking + 1])) return false;   // between </think> and <answer>
        if (!IsBlank(segments[^1])) return false;             // after </answer>
        return !_options.RequireContent || (!IsBlank(segments[thinking]) && !IsBlank(segments[thinking + 2]));
    }

    private bool ThinkOnlyMatch(string text, bool openedByPrompt)
    {
        TagKind[] expected = openedByPrompt ? [TagKind.CloseThink] : [TagKind.OpenThink, TagKind.CloseThink];
        List<TagOccurrence> tags = TagScanner.Scan(text, _options.Tags, includeAnswerTags: false);
        if (!SameKinds(tags, expected)) return false;

        var segments = Segments(tags, text.Length);
        bool IsBlank(Range segment) => text.AsSpan(segment).IsWhiteSpace();
        int thinking = openedByPrompt ? 0 : 1;
        if (!openedByPrompt && !IsBlank(segments[0])) return false;
        // The final answer after </think> is the point of this layout, so it is required even when content checks are off.
        if (IsBlank(segments[^1])) return false;
        return !_options.RequireContent || !IsBlank(segments[thinking]);
    }

    private bool LenientMatch(string text, bool openedByPrompt)
    {
        ReasoningTags t = _options.Tags;
        int at = 0;
        if (!openedByPrompt)
        {
            at = text.IndexOf(t.OpenThink, StringComparison.Ordinal);
            if (at < 0) return false;
            at += t.OpenThink.Length;
        }
        foreach (string tag in (ReadOnlySpan<string>)[t.CloseThink, t.OpenAnswer, t.CloseAnswer])
        {
            at = text.IndexOf(tag, at, StringComparison.Ordinal);
            if (at < 0) return false;
            at += tag.Length;
        }
        return true;
    }

    private static bool SameKinds(List<TagOccurrence> tags, TagKind[] expected)
    {
        if (tags.Count != expected.Length) return false;
        for (int i = 0; i < expected.Length; i++)
            if (tags[i].Kind != expected[i]) return false;
        return true;
    }

    // Segment i is the text before tag i; the last one is what follows the final tag. Ranges, not substrings:
    // the reasoning can be tens of thousands of characters and is only inspected for whitespace.
    private static Range[] Segments(List<TagOccurrence> tags, int textLength)
    {
        var segments = new Range[tags.Count + 1];
        int from = 0;
        for (int i = 0; i < tags.Count; i++)
        {
            segments[i] = from..tags[i].Index;
            from = tags[i].End;
        }
        segments[^1] = from..textLength;
        return segments;
    }


}
