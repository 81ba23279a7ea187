using R1Sharp.Training.Rollouts;

namespace R1Sharp.Training.Grpo;

/// <summary>The tool metrics of a step (issue 20), reported only when rollouts carry <see cref="ToolUse"/>.</summary>
public static class ToolMetrics
{
    /// <summary>
    /// Adds <c>tools/call_frequency</c> (tool calls per completion, TRL's name), <c>tools/failure_frequency</c> (failed calls
    /// per call, TRL's name), <c>tools/failures</c> (failed calls), <c>tools/seconds</c> (wall-clock seconds in tools, summed
    /// over completions), <c>tools/call_rate</c> (share of completions with at least one call) and <c>tools/token_fraction</c> (share of completion tokens that are tool output, out of the loss).
    /// </summary>
    public static void AddTo(IDictionary<string, double> metrics, IReadOnlyList<Rollout> rollouts)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(rollouts);
        var uses = rollouts.Select(r => r.Tools).OfType<ToolUse>().ToList();
        if (uses.Count == 0) return;
        int calls = uses.Sum(u => u.Calls), failures = uses.Sum(u => u.Failures);
        long tokens = uses.Sum(u => (long)u.ToolTokens.Length), toolTokens = uses.Sum(u => (long)u.ToolTokens.Count(t => t));
        metrics["tools/call_frequency"] = calls / (double)rollouts.Count;
        metrics["tools/call_rate"] = uses.Count(u => u.Calls > 0) / (double)rollouts.Count;
        metrics["tools/failure_frequency"] = calls == 0 ? 0 : failures / (double)calls;
        metrics["tools/failures"] = failures;
        metrics["tools/seconds"] = uses.Sum(u => u.Seconds);
        metrics["tools/token_fraction"] = tokens == 0 ? 0 : toolTokens / (double)tokens;
        // What generating in rounds costs (docs/grpo.md "How the batch runs"): decode steps a call waited for its round's
        // longest row, per call, and the tokens prefilled again at the start of later rounds, per completion.
        metrics["tools/wait_steps_per_call"] = calls == 0 ? 0 : uses.Sum(u => (long)u.WaitSteps) / (double)calls;
        metrics["tools/reprefill_tokens"] = uses.Sum(u => u.ReprefillTokens) / (double)rollouts.Count;
        // Tool time decoding did not hide: calls start when written, so only what outlasts the round's decoding counts.
        metrics["tools/exposed_seconds"] = uses.Sum(u => u.ExposedSeconds);
    }
}
