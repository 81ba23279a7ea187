namespace R1Sharp.Training.Zero.Tools;

/// <summary>The tool <c>r1 zero --tools</c> gives the policy.</summary>
public enum ZeroToolKind
{
    /// <summary>
    /// A .NET calculator (<see cref="R1Sharp.Tools.FunctionTool"/> named <c>calculator</c>, <c>{"expression": "347*58"}</c>),
    /// evaluated exactly in process. The default: a call costs microseconds, so 128 rollouts a step stay cheap on 2 cores.
    /// </summary>
    Calculator,

    /// <summary>
    /// Python in the bubblewrap sandbox (<see cref="R1Sharp.Tools.PythonTool"/>, <c>{"code": "print(347*58)"}</c>): the same
    /// skill, but every call starts a sandbox and an interpreter, tens of milliseconds of CPU each. Needs bubblewrap.
    /// </summary>
    Python,
}
