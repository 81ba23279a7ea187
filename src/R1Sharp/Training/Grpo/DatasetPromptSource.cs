using R1Sharp.Data;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// Prompts from a data set, epoch after epoch, each epoch in its own seeded shuffle: position k maps to one row for
/// a given seed, so resuming needs only the position.
/// </summary>
public sealed class DatasetPromptSource : IPromptSource
{
    private readonly IReadOnlyList<DatasetRow> _rows;
    private readonly Func<DatasetRow, string> _prompt;
    private readonly int _seed;
    private readonly Dictionary<long, int[]> _orders = [];

    /// <summary>Creates the source.</summary>
    /// <param name="rows">The rows (at least one).</param>
    /// <param name="prompt">Builds the model's prompt text (template applied) from a row; throws naming the row when a field is missing.</param>
    /// <param name="seed">Shuffle seed.</param>
    public DatasetPromptSource(IReadOnlyList<DatasetRow> rows, Func<DatasetRow, string> prompt, int seed)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("The data set has no rows.", nameof(rows));
        _rows = rows;
        _prompt = prompt ?? throw new ArgumentNullException(nameof(prompt));
        _seed = seed;
    }

    /// <inheritdoc />
    public PromptRow Get(long position)
    {
        long epoch = position / _rows.Count;
        if (!_orders.TryGetValue(epoch, out var order))
        {
            order = Enumerable.Range(0, _rows.Count).ToArray();
            new Random(unchecked((int)(_seed * 31L + epoch * 1_000_003L))).Shuffle(order);
            if (_orders.Count > 4) _orders.Clear();
            _orders[epoch] = order;
        }
        var row = _rows[order[position % _rows.Count]];
        return new PromptRow(_prompt(row), row.Fields);
    }
}
