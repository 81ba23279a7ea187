namespace R1Sharp.Data;

/// <summary>A data file that cannot be used as it is: the message names the file, the line (or row) and what is wrong.</summary>
public sealed class DatasetFormatException : Exception
{
    /// <summary>Creates the error for a place in a file.</summary>
    public DatasetFormatException(string path, int line, string problem, Exception? inner = null)
        : base($"{path}:{line}: {problem}", inner)
    {
        Path = path;
        Line = line;
        Problem = problem;
    }

    /// <summary>The data file.</summary>
    public string Path { get; }

    /// <summary>1-based line (JSONL) or row number (JSON array, Parquet); 0 when the problem concerns the whole file.</summary>
    public int Line { get; }

    /// <summary>What was wrong, without the location.</summary>
    public string Problem { get; }
}
