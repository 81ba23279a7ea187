namespace R1Sharp.Training.Rollouts;

/// <summary>What tools did inside one rollout.</summary>
/// <param name="ToolTokens">One flag per completion token: true where the token is tool output appended by the loop (not sampled
/// by the policy, so left out of the loss), false where the policy wrote it.</param>
/// <param name="Calls">Tool calls made (each answered with a tool message).</param>
/// <param name="Failures">Calls that failed (unreadable, unknown tool, error, timeout).</param>
/// <param name="Seconds">Wall-clock seconds spent in this rollout's calls.</param>
public sealed record ToolUse(bool[] ToolTokens, int Calls, int Failures, double Seconds)
{
    /// <summary>
    /// The cost of running in rounds: decode steps this rollout's calls waited, after the call was written, for the
    /// longest row of their round to finish before rejoining the batch (the call itself runs meanwhile).
    /// </summary>
    public int WaitSteps { get; init; }

    /// <summary>The other cost of rounds: tokens of this conversation prefilled again because each round starts without the previous round's KV cache.</summary>
    public long ReprefillTokens { get; init; }

    /// <summary>
    /// Wall-clock seconds the loop waited, after the round's decoding ended, for this rollout's calls: the tool time that
    /// decoding did not hide (each call starts when it is written, so a call that finishes before the round's longest row
    /// costs nothing here).
    /// </summary>
    public double ExposedSeconds { get; init; }
}
