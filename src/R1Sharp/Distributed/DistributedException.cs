namespace R1Sharp.Distributed;

/// <summary>
/// A data-parallel run cannot start or continue for a reason the user can act on: the MPI or NCCL library is missing,
/// the ranks were given different configurations, or their weights diverged. The message names the rank and the remedy.
/// The ranks' disagreements are found through a collective, so every rank throws them (<see cref="ThrownOnEveryRank"/>).
/// </summary>
public sealed class DistributedException : Exception, IEveryRankFailure
{
    /// <summary>Creates the exception.</summary>
    public DistributedException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public DistributedException() { }

    /// <summary>Creates the exception.</summary>
    public DistributedException(string message, Exception innerException) : base(message, innerException) { }

    /// <inheritdoc />
    public bool ThrownOnEveryRank { get; init; }
}
