namespace R1Sharp.Pipeline;

/// <summary>
/// What a finished stage leaves in <c>DIR/&lt;stage&gt;/stage.json</c> beside its model (<c>DIR/&lt;stage&gt;/model</c>):
/// a resumed run finds it and does not run the stage again.
/// </summary>
/// <param name="Name">The stage.</param>
/// <param name="StartedFrom">The stage whose model it started from (null for the base).</param>
/// <param name="Seconds">Training seconds (across resumes where the trainer counts them), evaluation excluded.</param>
/// <param name="Evaluation">The held-out figures of its model.</param>
/// <param name="Details">Stage-specific counts (steps, examples kept, reward-model accuracy...).</param>
public sealed record StageRecord(string Name, string? StartedFrom, double Seconds, StageEvaluation Evaluation, IReadOnlyDictionary<string, double> Details);
