namespace R1Sharp.Training.Grpo;

/// <summary>Rows [<paramref name="Start"/>, <paramref name="End"/>) of a step's batch, trained in one forward/backward pass.</summary>
/// <param name="Start">First row.</param>
/// <param name="End">One past the last row.</param>
public readonly record struct MicroBatch(int Start, int End)
{
    /// <summary>Rows in the micro-batch.</summary>
    public int Count => End - Start;
}
