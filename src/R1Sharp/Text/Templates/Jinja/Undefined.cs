namespace R1Sharp.Text.Templates.Jinja;

/// <summary>
/// Jinja's default <c>Undefined</c>: a missing variable, attribute or key. It renders as "", is false, iterates as
/// empty, and fails when an attribute of it is read (as jinja2 does).
/// </summary>
internal sealed class Undefined
{
    public Undefined(string description) => Description = description;

    /// <summary>What was missing, e.g. "'tools' is undefined" or "dict object has no attribute 'x'".</summary>
    public string Description { get; }
}
