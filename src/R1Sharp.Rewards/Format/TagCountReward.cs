namespace R1Sharp.Rewards.Format;

/// <summary>
/// Partial credit for the reasoning layout: 0.25 for each of <c>&lt;think&gt;</c>, <c>&lt;/think&gt;</c>,
/// <c>&lt;answer&gt;</c>, <c>&lt;/answer&gt;</c> that is well placed (open-r1's <c>tag_count_reward</c>, after
/// willccbb's GRPO demo). Score range: 0, 0.25, 0.5, 0.75 or 1; never null.
/// </summary>
/// <remarks>
/// A tag is well placed when it occurs exactly once and comes after every earlier tag of the layout and before
/// every later one (among those that also occur exactly once), and, with
/// <see cref="TagCountRewardOptions.RequireOwnLine"/>, stands on its own line. Unlike <see cref="FormatReward"/>
/// it gives a gradient towards the format before a model writes it fully.
/// </remarks>
public sealed class TagCountReward : IRewardFunction
{
    private const double PerTag = 0.25;
    private const int TagCount = 4;
    private readonly TagCountRewardOptions _options;

    /// <summary>Creates the reward.</summary>
    /// <param name="options">Options; null for the defaults.</param>
    /// <exception cref="ArgumentException">A tag name is invalid.</exception>
    public TagCountReward(TagCountRewardOptions? options = null)
    {
        _options = options ?? new TagCountRewardOptions();
        _options.Tags.Validate();
    }

    /// <inheritdoc />
    public string Name => "tag_count";

    /// <summary>The options this reward was created with.</summary>
    public TagCountRewardOptions Options => _options;

    /// <inheritdoc />
    public ValueTask<double?> ScoreAsync(RewardInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ValueTask.FromResult<double?>(Score(input));
    }

    private double Score(RewardInput input)
    {
        string text = input.Completion;
        bool openedByPrompt = TagScanner.ThinkOpenedByPrompt(input.Prompt, _options.ThinkOpening, _options.Tags);
        var counts = new int[TagCount];
        var positions = new int[TagCount];
        foreach (TagOccurrence tag in TagScanner.Scan(text, _options.Tags))
        {
            counts[(int)tag.Kind]++;
            positions[(int)tag.Kind] = tag.Index;
        }

        double score = 0;
        for (int kind = 0; kind < TagCount; kind++)
        {
            if (kind == (int)TagKind.OpenThink && openedByPrompt)
            {
                // The prompt holds the real <think>; writing another one nests the reasoning.
                if (counts[kind] == 0) score += PerTag;
                continue;
            }
            if (counts[kind] != 1) continue;
            if (!InOrder(kind, counts, positions)) continue;
            if (_options.RequireOwnLine && !OnOwnLine(text, positions[kind], TagLength((TagKind)kind))) continue;
            score += PerTag;
        }
        return score;
    }

    private static bool InOrder(int kind, int[] counts, int[] positions)
    {
        for (int other = 0; other < TagCount; other++)
        {
            if (other == kind || counts[other] != 1) continue;
            if (other < kind ? positions[other] > positions[kind] : positions[other] < positions[kind]) return false;
        }
        return true;
    }

    private int TagLength(TagKind kind) => kind switch
    {
        TagKind.OpenThink => _options.Tags.OpenThink.Length,
        TagKind.CloseThink => _options.Tags.CloseThink.Length,
        TagKind.OpenAnswer => _options.Tags.OpenAnswer.Length,
        _ => _options.Tags.CloseAnswer.Length,
    };

    private static bool OnOwnLine(string text, int index, int length)
    {
        for (int i = index - 1; i >= 0 && text[i] != '\n'; i--)
            if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r') return false;
        for (int i = index + length; i < text.Length && text[i] != '\n'; i++)
            if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r') return false;
        return true;
    }
}
