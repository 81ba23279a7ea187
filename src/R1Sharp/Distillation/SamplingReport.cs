namespace R1Sharp.Distillation;

/// <summary>What a sampling run did.</summary>
/// <param name="Prompts">Prompts in the input (after the limit).</param>
/// <param name="AlreadyDone">Prompts skipped because an earlier run finished them.</param>
/// <param name="Completed">Prompts finished by this run.</param>
/// <param name="Failed">Prompts with a failed sample (not written; a rerun retries them).</param>
/// <param name="FirstError">The first failure's message, if any.</param>
public sealed record SamplingReport(int Prompts, int AlreadyDone, int Completed, int Failed, string? FirstError);
