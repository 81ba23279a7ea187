namespace R1Sharp.Rewards.Sandbox;

/// <summary>Where things are inside the sandbox. Nothing else of the host's file system is visible there.</summary>
public static class SandboxPaths
{
    /// <summary>The program's files (<see cref="ProgramDirectory"/>), mounted read-only.</summary>
    public const string Program = "/box/program";

    /// <summary>The run's own writable scratch folder, the working directory and HOME; deleted after the run.</summary>
    public const string Work = "/box/work";
}
