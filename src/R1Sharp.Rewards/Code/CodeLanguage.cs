namespace R1Sharp.Rewards.Code;

/// <summary>Languages the code reward can run.</summary>
public enum CodeLanguage
{
    /// <summary>Python 3 (<c>/usr/bin/python3</c>); fence tags <c>python</c>, <c>py</c>, <c>python3</c>, <c>py3</c>.</summary>
    Python,

    /// <summary>C++17 compiled with g++ -O2; fence tags <c>cpp</c>, <c>c++</c>, <c>cxx</c>, <c>cc</c>.</summary>
    Cpp,

    /// <summary>C# (top-level statements or a Main method) compiled with the installed .NET SDK's csc against the
    /// reference pack and run on the shared runtime; fence tags <c>csharp</c>, <c>cs</c>, <c>c#</c>.
    /// Available when the SDK lives under /usr (visible inside the sandbox).</summary>
    CSharp,
}
