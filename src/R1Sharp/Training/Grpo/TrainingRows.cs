using static TorchSharp.torch;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// The token layout GRPO trains on: one row per completion, its prompt left-padded to width P and the completion
/// right-padded to width C, so completion token t of every row sits in column P + t and its log-prob comes from the
/// logits at column P + t − 1. Pure data; <see cref="Slice"/> turns rows into tensors, each micro-batch only as wide as
/// its own longest prompt and completion: the columns it leaves out are padding in every one of its rows, and positions
/// come from the attention mask, so its log-probs are those of the full width (up to rounding) for less compute.
/// </summary>
public sealed class TrainingRows
{
    private readonly long[] _ids;
    private readonly long[] _attention;
    private readonly int[] _completionLengths;
    private readonly int[] _promptLengths;
    private readonly bool[] _truncated;
    private readonly bool[]?[] _excluded;

    private TrainingRows(long[] ids, long[] attention, int[] promptLengths, int[] completionLengths, bool[] truncated, bool[]?[] excluded, int promptWidth, int completionWidth)
    {
        _promptLengths = promptLengths;
        _excluded = excluded;
        _ids = ids;
        _attention = attention;
        _completionLengths = completionLengths;
        _truncated = truncated;
        PromptWidth = promptWidth;
        CompletionWidth = completionWidth;
    }

    /// <summary>Rows (completions).</summary>
    public int Count => _completionLengths.Length;

    /// <summary>P: the longest prompt.</summary>
    public int PromptWidth { get; }

    /// <summary>C: the longest completion (at least 1, so an all-empty batch still has a column).</summary>
    public int CompletionWidth { get; }

    /// <summary>P + C.</summary>
    public int Width => PromptWidth + CompletionWidth;

    /// <summary>Token ids, row-major [rows, P + C], pad id on both sides of the real tokens.</summary>
    public IReadOnlyList<long> Ids => _ids;

    /// <summary>Attention mask, row-major [rows, P + C]: 1 on prompt and completion tokens, 0 on padding.</summary>
    public IReadOnlyList<long> Attention => _attention;

    /// <summary>Lays out completions after their prompts.</summary>
    /// <param name="promptIds">Token ids of each group's prompt.</param>
    /// <param name="generations">G: consecutive completions per prompt (completion i belongs to prompt i / G).</param>
    /// <param name="completions">Token ids of each completion, G per prompt in group order.</param>
    /// <param name="truncated">Whether each completion hit the token limit (for <see cref="CompletionMask(MicroBatch, bool)"/>).</param>
    /// <param name="padId">Padding id.</param>
    /// <param name="excluded">Per completion, the tokens that stay in the sequence but out of the loss: tool output, which the
    /// policy did not sample (issue 20). Null: every completion token carries loss.</param>
    public static TrainingRows Build(IReadOnlyList<IReadOnlyList<int>> promptIds, int generations, IReadOnlyList<int[]> completions,
        IReadOnlyList<bool> truncated, int padId, IReadOnlyList<bool[]?>? excluded = null)
    {
        ArgumentNullException.ThrowIfNull(promptIds);
        ArgumentNullException.ThrowIfNull(completions);
        ArgumentNullException.ThrowIfNull(truncated);
        ArgumentOutOfRangeException.ThrowIfLessThan(generations, 1);
        if (truncated.Count != completions.Count) throw new ArgumentException("one truncated flag per completion", nameof(truncated));
        if (excluded is not null && excluded.Count != completions.Count) throw new ArgumentException("one exclusion mask (or null) per completion", nameof(excluded));
        if (completions.Count > promptIds.Count * generations) throw new ArgumentException("more completions than prompts × generations", nameof(completions));
        int n = completions.Count;
        int p = promptIds.Count == 0 ? 0 : promptIds.Max(x => x.Count);
        int c = Math.Max(1, n == 0 ? 0 : completions.Max(x => x.Length));
        var ids = new long[n * (p + c)];
        var attention = new long[n * (p + c)];
        Array.Fill(ids, padId);
        for (int i = 0; i < n; i++)
        {
            var prompt = promptIds[i / generations];
            var completion = completions[i];
            int row = i * (p + c);
            for (int t = 0; t < prompt.Count; t++) { ids[row + p - prompt.Count + t] = prompt[t]; attention[row + p - prompt.Count + t] = 1; }
            for (int t = 0; t < completion.Length; t++) { ids[row + p + t] = completion[t]; attention[row + p + t] = 1; }
        }
        return new TrainingRows(ids, attention, [.. Enumerable.Range(0, n).Select(i => promptIds[i / generations].Count)], [.. completions.Select(x => x.Length)],
            [.. truncated], excluded is null ? new bool[]?[n] : [.. excluded], p, c);
    }

    /// <summary>The longest prompt among <paramref name="rows"/>: the micro-batch's own P.</summary>
    public int PromptWidthOf(MicroBatch rows) => rows.Count == 0 ? 0 : _promptLengths[rows.Start..rows.End].Max();

    /// <summary>The longest completion among <paramref name="rows"/> (at least 1): the micro-batch's own C, the width of
    /// its targets, log-probs and masks.</summary>
    public int CompletionWidthOf(MicroBatch rows) => Math.Max(1, rows.Count == 0 ? 0 : _completionLengths[rows.Start..rows.End].Max());

    /// <summary>The rows of <paramref name="rows"/> as the forward pass takes them, cut to the micro-batch's own widths
    /// p = <see cref="PromptWidthOf"/> and c = <see cref="CompletionWidthOf"/>: input ids and attention mask [b, p + c − 1]
    /// (the last column predicts nothing) and the targets [b, c] (the completion columns, which the logits of the
    /// previous column predict).</summary>
    public (Tensor Input, Tensor Mask, Tensor Targets) Slice(MicroBatch rows, Device device)
    {
        int p = PromptWidthOf(rows), c = CompletionWidthOf(rows), width = p + c, from = PromptWidth - p;
        var ids = new long[rows.Count * width];
        var attention = new long[rows.Count * width];
        for (int r = 0; r < rows.Count; r++)
        {
            _ids.AsSpan((rows.Start + r) * Width + from, width).CopyTo(ids.AsSpan(r * width, width));
            _attention.AsSpan((rows.Start + r) * Width + from, width).CopyTo(attention.AsSpan(r * width, width));
        }
        var all = tensor(ids, [rows.Count, width]).to(device);
        var mask = tensor(attention, [rows.Count, width]).to(device);
        return (all[.., ..^1], mask[.., ..^1], all[.., p..]);
    }

    /// <summary>The loss mask [b, c] of <paramref name="rows"/>, c = <see cref="CompletionWidthOf"/> (see <see cref="Grpo.CompletionMask.Build"/>).</summary>
    /// <param name="rows">The micro-batch.</param>
    /// <param name="maskTruncated">Leave truncated completions out of the loss (TRL <c>mask_truncated_completions</c>).</param>
    public Tensor CompletionMask(MicroBatch rows, bool maskTruncated) =>
        Grpo.CompletionMask.Build(_completionLengths[rows.Start..rows.End], _truncated[rows.Start..rows.End], maskTruncated, CompletionWidthOf(rows), _excluded[rows.Start..rows.End]);

    /// <summary>Completion tokens that carry loss in the whole batch: the normaliser of DAPO's token-mean loss.</summary>
    public long LossTokens(bool maskTruncated) =>
        Enumerable.Range(0, Count).Where(i => !(maskTruncated && _truncated[i])).Sum(i => (long)Math.Min(_completionLengths[i], CompletionWidth) - (_excluded[i]?.Count(x => x) ?? 0));
}
