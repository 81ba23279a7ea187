namespace R1Sharp.Text.Tokenization;

/// <summary>
/// A tokenizer file that is malformed or uses a feature this tokenizer does not support. The message names the
/// file and the JSON path (or line) of the offending value.
/// </summary>
public sealed class TokenizerFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="file">The file that was being read.</param>
    /// <param name="location">JSON path such as <c>$.pre_tokenizer.type</c>, or <c>line 12</c>.</param>
    /// <param name="problem">What was wrong.</param>
    public TokenizerFormatException(string file, string location, string problem)
        : base($"{file}: {location}: {problem}")
    {
        File = file;
        Location = location;
    }

    /// <summary>The file that was being read.</summary>
    public string File { get; }

    /// <summary>The JSON path or line of the problem.</summary>
    public string Location { get; }
}
