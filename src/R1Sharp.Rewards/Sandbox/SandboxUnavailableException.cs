namespace R1Sharp.Rewards.Sandbox;

/// <summary>
/// The sandbox cannot run programs here (bubblewrap missing, namespaces refused, not root, ...). The message
/// says why. Code is then never run at all: there is no unsandboxed fallback.
/// </summary>
public sealed class SandboxUnavailableException : Exception
{
    /// <summary>Creates the exception with the reason.</summary>
    public SandboxUnavailableException(string message) : base(message) { }

    /// <summary>Creates the exception with the reason and its cause.</summary>
    public SandboxUnavailableException(string message, Exception inner) : base(message, inner) { }
}
