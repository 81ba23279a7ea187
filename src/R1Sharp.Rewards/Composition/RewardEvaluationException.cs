namespace R1Sharp.Rewards.Composition;

/// <summary>A reward function failed or returned a non-finite score while a batch was scored.</summary>
public sealed class RewardEvaluationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="functionName">Label of the failing function in the composer.</param>
    /// <param name="completionIndex">Index of the completion in the batch.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="inner">The function's own exception, if it threw.</param>
    public RewardEvaluationException(string functionName, int completionIndex, string message, Exception? inner = null)
        : base($"Reward '{functionName}' on completion {completionIndex}: {message}", inner)
    {
        FunctionName = functionName;
        CompletionIndex = completionIndex;
    }

    /// <summary>Label of the failing function.</summary>
    public string FunctionName { get; }

    /// <summary>Index of the completion in the batch.</summary>
    public int CompletionIndex { get; }
}
