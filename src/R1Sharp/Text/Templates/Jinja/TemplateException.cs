namespace R1Sharp.Text.Templates.Jinja;

/// <summary>
/// A chat template that cannot be parsed or rendered: bad syntax, an unsupported construct, a runtime type error,
/// or the template's own <c>raise_exception(...)</c>. The message starts with line:column of the construct.
/// </summary>
public sealed class TemplateException : Exception
{
    /// <summary>Creates the exception for a position in the template source.</summary>
    public TemplateException(SourcePosition position, string problem)
        : base($"template {position}: {problem}")
    {
        Position = position;
        Problem = problem;
    }

    /// <summary>Where in the template source the problem is.</summary>
    public SourcePosition Position { get; }

    /// <summary>The problem without the position.</summary>
    public string Problem { get; }
}
