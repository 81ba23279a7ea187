namespace R1Sharp.Evaluation.Benchmarks;

/// <summary>A benchmark file that cannot be used, with the file, line and field that are wrong.</summary>
public sealed class BenchmarkFormatException : Exception
{
    /// <summary>Creates the exception; the message names <paramref name="path"/> and <paramref name="line"/>.</summary>
    /// <param name="path">The data file.</param>
    /// <param name="line">1-based line or record number, or 0 when the problem is with the whole file.</param>
    /// <param name="problem">What is wrong, naming the field where there is one.</param>
    /// <param name="inner">The underlying parser error, if any.</param>
    public BenchmarkFormatException(string path, int line, string problem, Exception? inner = null)
        : base(line > 0 ? $"{path}:{line}: {problem}" : $"{path}: {problem}", inner)
    {
        FilePath = path;
        Line = line;
    }

    /// <summary>The data file.</summary>
    public string FilePath { get; }

    /// <summary>1-based line or record number, 0 for whole-file problems.</summary>
    public int Line { get; }
}
