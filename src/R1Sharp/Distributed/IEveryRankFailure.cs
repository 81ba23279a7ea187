namespace R1Sharp.Distributed;

/// <summary>
/// An error that every rank of a data-parallel job throws at the same point with the same message, having agreed on it
/// through a collective (rank 0 broadcast the verdict). No rank waits for another, so each rank reports it and ends on
/// its own (MPI_Finalize at exit waits for the others) instead of the first one aborting the job: every rank's message
/// is printed and every rank's exit code is the same. Errors that may reach one rank alone must not implement it.
/// </summary>
public interface IEveryRankFailure
{
    /// <summary>True when this instance was thrown on every rank (false: the ordinary rule, one failing rank aborts the job).</summary>
    bool ThrownOnEveryRank { get; }
}
