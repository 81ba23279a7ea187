namespace R1Sharp.Rewards.Sandbox;

/// <summary>Runs untrusted programs in isolation, several at once (one per worker slot). Thread-safe.</summary>
public interface ICodeSandbox : IDisposable
{
    /// <summary>How many runs proceed at once; further runs wait for a free slot.</summary>
    int WorkerSlots { get; }

    /// <summary>A new, empty folder for one program's files, mounted at <see cref="SandboxPaths.Program"/>.</summary>
    ProgramDirectory CreateProgramDirectory();

    /// <summary>Runs one program to its end (or its limit), then makes sure nothing of it is left running.</summary>
    Task<SandboxRunResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken = default);
}
