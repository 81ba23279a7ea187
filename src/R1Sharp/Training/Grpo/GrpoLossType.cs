namespace R1Sharp.Training.Grpo;

/// <summary>How per-token surrogate terms are reduced to one loss value (TRL's <c>loss_type</c>).</summary>
public enum GrpoLossType
{
    /// <summary>
    /// The paper's objective: mean over each completion's tokens, then mean over completions
    /// (veRL "seq-mean-token-mean"). Long completions weigh as much as short ones in total, so each of their tokens weighs less.
    /// </summary>
    Grpo,

    /// <summary>Sum over every completion token of the batch divided by the number of those tokens (DAPO / veRL "token-mean").</summary>
    Dapo,

    /// <summary>Sum over every token divided by a constant: <c>max_completion_length × number of completions</c> (Dr. GRPO).</summary>
    DrGrpo,
}
