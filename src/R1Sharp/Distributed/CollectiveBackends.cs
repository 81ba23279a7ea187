namespace R1Sharp.Distributed;

/// <summary>
/// Chooses and holds the process's collective backend. MPI may be initialised once per process, so the backend is
/// created once (<see cref="Create"/>) and shared; a process not started by a launcher gets <see cref="SingleProcessBackend"/>.
/// </summary>
public static class CollectiveBackends
{
    private static readonly Lock Gate = new();
    private static ICollectiveBackend? _current;

    /// <summary>The names <see cref="Create"/> accepts: auto (MPI under a launcher, else single), mpi, nccl, single.</summary>
    public static readonly IReadOnlyList<string> Names = ["auto", "mpi", "nccl", "single"];

    /// <summary>True when an MPI launcher started this process: mpirun (Open MPI), mpiexec (MPICH's PMI) or srun --mpi=pmix.</summary>
    public static bool LaunchedByMpi => IsMpiLaunch(Environment.GetEnvironmentVariable);

    /// <summary>Whether the environment read through <paramref name="get"/> is one an MPI launcher gives its ranks.</summary>
    internal static bool IsMpiLaunch(Func<string, string?> get) =>
        get("OMPI_COMM_WORLD_SIZE") is { Length: > 0 } || get("PMI_SIZE") is { Length: > 0 } || get("PMIX_RANK") is { Length: > 0 };

    /// <summary>The number of ranks the launcher started (1 outside a launcher), read from its environment without joining the job.</summary>
    public static int LaunchedRanks =>
        int.TryParse(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") ?? Environment.GetEnvironmentVariable("PMI_SIZE")
            ?? (LaunchedByMpi ? Environment.GetEnvironmentVariable("SLURM_NTASKS") : null), out int size) ? size : 1;

    /// <summary>
    /// For commands that run in one process only: refuses a start by a launcher with several ranks, which would run N
    /// copies of the same job racing on one output folder.
    /// </summary>
    /// <param name="command">The command, for the message (e.g. <c>r1 sft</c>).</param>
    /// <exception cref="DistributedException">Started with more than one rank.</exception>
    public static void ThrowIfLaunchedWithSeveralRanks(string command)
    {
        if (LaunchedRanks > 1)
            throw new DistributedException($"{command} runs in one process, but the launcher started {LaunchedRanks} ranks: run it without mpirun/srun (r1 grpo, r1 sft, r1 zero and r1 distill run data-parallel; see docs/distributed.md).");
    }

    /// <summary>This rank's index among the ranks of its node (for choosing a GPU), 0 outside a launcher.</summary>
    public static int LocalRank =>
        int.TryParse(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_LOCAL_RANK") ?? Environment.GetEnvironmentVariable("SLURM_LOCALID")
            ?? Environment.GetEnvironmentVariable("MPI_LOCALRANKID"), out int rank) ? rank : 0;

    /// <summary>The backend created by <see cref="Create"/>, or null before.</summary>
    public static ICollectiveBackend? Current
    {
        get { lock (Gate) return _current; }
    }

    /// <summary>The process's backend, created on first call.</summary>
    /// <param name="kind">auto, mpi, nccl or single (see <see cref="Names"/>); a later call with another kind is an error.</param>
    /// <exception cref="DistributedException">The library the kind needs is missing, or another kind was created before.</exception>
    public static ICollectiveBackend Create(string kind = "auto")
    {
        ArgumentNullException.ThrowIfNull(kind);
        lock (Gate)
        {
            string wanted = kind == "auto" ? (LaunchedByMpi ? "mpi" : "single") : kind;
            if (_current is not null)
            {
                if (_current.Name != wanted) throw new DistributedException($"distributed_backend {kind}: this process already runs the {_current.Name} backend.");
                return _current;
            }
            _current = wanted switch
            {
                "single" => SingleProcessBackend.Instance,
                "mpi" => new MpiBackend(),
                "nccl" => new NcclBackend(new MpiBackend()),
                _ => throw new DistributedException($"distributed_backend: expected one of {string.Join(", ", Names)}, got '{kind}'."),
            };
            return _current;
        }
    }

    /// <summary>
    /// Called when this rank fails: with more than one rank, ends the whole job (MPI_Abort names this rank), so the
    /// others do not wait in a collective forever. Does nothing in a single-process run.
    /// </summary>
    public static void AbortJobIfDistributed(int exitCode)
    {
        var backend = Current;
        if (backend is { Size: > 1 }) backend.Abort(exitCode);
    }
}
