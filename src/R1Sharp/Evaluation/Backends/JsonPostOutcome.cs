namespace R1Sharp.Evaluation.Backends;

/// <summary>
/// What <see cref="RetryingJsonPost"/> got: the parsed value with no problem; or a problem, with the last malformed
/// value when a reply arrived but did not parse (null when none did).
/// </summary>
public sealed record JsonPostOutcome<T>(T? Value, string? Problem) where T : class;
