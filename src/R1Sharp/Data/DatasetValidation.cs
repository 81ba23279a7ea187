namespace R1Sharp.Data;

/// <summary>
/// Checks a whole data set before the first training step, so that a bad row is reported at once (with the first
/// few others like it) instead of when the sampler happens to draw it, hours and checkpoints later.
/// </summary>
public static class DatasetValidation
{
    /// <summary>How many bad rows a message lists; the count covers them all.</summary>
    public const int RowsNamed = 5;

    /// <summary>Throws when <paramref name="rows"/> is empty or any row has a problem.</summary>
    /// <param name="path">The data file, for messages.</param>
    /// <param name="rows">Every row of the data set.</param>
    /// <param name="problemOf">The row's problem in words (e.g. "field 'prompt' is missing"), or null when it is usable.</param>
    /// <exception cref="DatasetFormatException">No rows, or bad rows: the message names the first <see cref="RowsNamed"/> by line.</exception>
    public static void ThrowIfInvalid(string path, IReadOnlyList<DatasetRow> rows, Func<DatasetRow, string?> problemOf)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(problemOf);
        if (rows.Count == 0) throw new DatasetFormatException(path, 0, "the data set has no rows");
        var bad = new List<(DatasetRow Row, string Problem)>();
        foreach (var row in rows)
            if (problemOf(row) is { } problem) bad.Add((row, problem));
        if (bad.Count == 0) return;
        string listed = string.Join("; ", bad.Take(RowsNamed).Select(b => $"line {b.Row.Number}: {b.Problem}"));
        string more = bad.Count > RowsNamed ? $"; and {bad.Count - RowsNamed} more" : "";
        throw new DatasetFormatException(path, bad[0].Row.Number,
            $"{bad.Count} of {rows.Count} rows cannot be used: {listed}{more}");
    }
}
