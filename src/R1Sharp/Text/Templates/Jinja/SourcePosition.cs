namespace R1Sharp.Text.Templates.Jinja;

/// <summary>A 1-based line and column in a template's source.</summary>
/// <param name="Line">Line, from 1.</param>
/// <param name="Column">Column, from 1.</param>
public readonly record struct SourcePosition(int Line, int Column)
{
    /// <summary>The position of character <paramref name="offset"/> of <paramref name="source"/>.</summary>
    public static SourcePosition At(string source, int offset)
    {
        int line = 1, lineStart = 0;
        for (int i = 0; i < offset && i < source.Length; i++)
        {
            if (source[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        return new SourcePosition(line, offset - lineStart + 1);
    }

    /// <summary>"line:column".</summary>
    public override string ToString() => $"{Line}:{Column}";
}
