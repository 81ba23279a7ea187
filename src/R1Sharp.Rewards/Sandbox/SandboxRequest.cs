namespace R1Sharp.Rewards.Sandbox;

/// <summary>One program run: the command line inside the sandbox, its stdin, its limits and its files.</summary>
/// <param name="Command">argv inside the sandbox, the first element an absolute path (e.g. <c>/usr/bin/python3</c>).</param>
/// <param name="Limits">The run's limits.</param>
public sealed record SandboxRequest(IReadOnlyList<string> Command, ResourceLimits Limits)
{
    /// <summary>Bytes fed to the program's stdin, which is then closed. Default empty.</summary>
    public ReadOnlyMemory<byte> Stdin { get; init; } = ReadOnlyMemory<byte>.Empty;

    /// <summary>Files mounted read-only at <see cref="SandboxPaths.Program"/>; null mounts nothing there.</summary>
    public ProgramDirectory? Program { get; init; }

    /// <summary>Mount <see cref="Program"/> writable for this run (a compiler writing its output next to the source).
    /// The folder is given to the slot's uid for the run and taken back (root-owned, read-only) after it. Default false.</summary>
    public bool ProgramWritable { get; init; }

    /// <summary>Extra environment variables (the environment is otherwise cleared except PATH, HOME, LANG).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}
