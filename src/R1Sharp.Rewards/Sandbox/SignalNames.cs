namespace R1Sharp.Rewards.Sandbox;

/// <summary>Linux x86_64/aarch64 signal numbers to names, for verdict messages.</summary>
public static class SignalNames
{
    private static readonly string[] Names =
    [
        "0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
        "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",
        "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    ];

    /// <summary>The name of <paramref name="signal"/> (e.g. 11 -> SIGSEGV); "SIG&lt;n&gt;" for real-time or unknown ones.</summary>
    public static string Of(int signal) => signal > 0 && signal < Names.Length ? Names[signal] : $"SIG{signal}";
}
