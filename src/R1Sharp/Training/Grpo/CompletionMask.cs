using static TorchSharp.torch;

namespace R1Sharp.Training.Grpo;

/// <summary>Builds the [B, T] loss mask of right-padded completions.</summary>
public static class CompletionMask
{
    /// <summary>1 for each completion's real tokens, 0 for padding; whole rows 0 for truncated completions when asked (DAPO's overlong filtering).</summary>
    /// <param name="lengths">Real token count of each completion.</param>
    /// <param name="truncated">Whether each completion hit the token limit without finishing.</param>
    /// <param name="maskTruncated">Drop truncated completions from the loss (TRL <c>mask_truncated_completions</c>).</param>
    /// <param name="width">T, the padded width.</param>
    /// <param name="excluded">Per completion, the tokens left out of the loss (tool output of a multi-turn rollout, issue 20), or null for none.</param>
    public static Tensor Build(IReadOnlyList<int> lengths, IReadOnlyList<bool> truncated, bool maskTruncated, int width, IReadOnlyList<bool[]?>? excluded = null)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentNullException.ThrowIfNull(truncated);
        var data = new float[lengths.Count * width];
        for (int b = 0; b < lengths.Count; b++)
        {
            if (maskTruncated && truncated[b]) continue;
            int n = Math.Min(lengths[b], width);
            var skip = excluded?[b];
            for (int t = 0; t < n; t++) data[b * width + t] = skip is not null && t < skip.Length && skip[t] ? 0f : 1f;
        }
        return tensor(data, [lengths.Count, width]);
    }
}
