namespace R1Sharp.Rewards.Composition;

/// <summary>
/// A reward specification could not be turned into reward functions: a malformed spec, an unknown reward name or
/// option, or an option value out of range. The message names the offending part.
/// </summary>
public sealed class RewardConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong and where.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public RewardConfigurationException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
