namespace R1Sharp.Rewards.Sandbox.Judging;

/// <summary>A judge's verdict on one test case, in the usual online-judge vocabulary.</summary>
public enum Verdict
{
    /// <summary>Ran within the limits and produced the expected output.</summary>
    Accepted,

    /// <summary>Ran within the limits but the output differs from the expected one.</summary>
    WrongAnswer,

    /// <summary>Exceeded the CPU-time or the wall-clock limit.</summary>
    TimeLimit,

    /// <summary>Ran out of memory under the address-space limit (Python MemoryError, C++ std::bad_alloc).</summary>
    MemoryLimit,

    /// <summary>Crashed: a non-zero exit code, an uncaught exception, or a signal (named in the detail).</summary>
    RuntimeError,

    /// <summary>The program did not compile (every test gets this verdict).</summary>
    CompileError,

    /// <summary>Wrote more output than the cap; the run was cut and killed.</summary>
    OutputLimit,
}
