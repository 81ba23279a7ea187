using R1Sharp.Distributed;

namespace R1Sharp.Training.Rollouts;

/// <summary>
/// A rollout server refused, failed or did not answer in time while loading new weights. The run stops (its last checkpoint
/// is intact); the engine samples nothing more, since the server may hold half-loaded weights. An <see cref="IOException"/>,
/// so <c>r1</c> reports it as an input/environment error (exit code 2) with its message. In a data-parallel run rank 0
/// broadcasts its failure and every rank throws the same message (<see cref="ThrownOnEveryRank"/>).
/// </summary>
public sealed class RolloutSyncException : IOException, IEveryRankFailure
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Names the endpoint, the call and the step.</param>
    /// <param name="inner">The transport error, if any.</param>
    public RolloutSyncException(string message, Exception? inner = null) : base(message, inner)
    {
    }

    // issue 17: remote rollouts with several ranks
    /// <inheritdoc />
    public bool ThrownOnEveryRank { get; init; }
}
