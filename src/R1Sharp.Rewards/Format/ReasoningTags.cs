namespace R1Sharp.Rewards.Format;

/// <summary>
/// The pair of tag names a completion's layout is checked against, e.g. <c>think</c> and <c>answer</c> for
/// <c>&lt;think&gt;…&lt;/think&gt;&lt;answer&gt;…&lt;/answer&gt;</c>.
/// </summary>
/// <param name="Think">Name of the reasoning tag, without angle brackets. Default <c>think</c> (DeepSeek-R1).</param>
/// <param name="Answer">Name of the answer tag, without angle brackets. Default <c>answer</c> (R1-Zero template).</param>
public sealed record ReasoningTags(string Think = "think", string Answer = "answer")
{
    /// <summary>The tags DeepSeek-R1 uses: <c>think</c> and <c>answer</c>.</summary>
    public static ReasoningTags Default { get; } = new();

    /// <summary><c>&lt;think&gt;</c> for the default names.</summary>
    public string OpenThink => "<" + Think + ">";

    /// <summary><c>&lt;/think&gt;</c> for the default names.</summary>
    public string CloseThink => "</" + Think + ">";

    /// <summary><c>&lt;answer&gt;</c> for the default names.</summary>
    public string OpenAnswer => "<" + Answer + ">";

    /// <summary><c>&lt;/answer&gt;</c> for the default names.</summary>
    public string CloseAnswer => "</" + Answer + ">";

    /// <summary>Throws when a name is empty, holds characters other than letters, digits, '_' or '-', or both names are equal.</summary>
    /// <exception cref="ArgumentException">A name is not usable as a tag.</exception>
    public void Validate()
    {
        ValidateName(Think, nameof(Think));
        ValidateName(Answer, nameof(Answer));
        if (string.Equals(Think, Answer, StringComparison.Ordinal))
            throw new ArgumentException($"The think and answer tags must differ (both are '{Think}').", nameof(Answer));
    }

    private static void ValidateName(string name, string field)
    {
        if (string.IsNullOrEmpty(name))
            throw new ArgumentException($"Tag name {field} is empty.", field);
        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '-')
                throw new ArgumentException(
                    $"Tag name {field} = '{name}' holds '{c}'; use letters, digits, '_' or '-' only (no angle brackets).", field);
        }
    }
}
