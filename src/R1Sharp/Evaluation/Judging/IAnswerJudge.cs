namespace R1Sharp.Evaluation.Judging;

/// <summary>
/// Decides whether a model's response answers a question correctly, and which answer it gave.
/// The evaluation protocol scores with the project's math verifier (docs/verifier-policy.md); the interface
/// exists so that a benchmark can bring its own rules (e.g. exact match for multiple choice) and so that
/// tests can use a predictable double. Implementations must be thread-safe: samples are judged concurrently.
/// </summary>
public interface IAnswerJudge
{
    /// <summary>Extracts the final answer from <paramref name="response"/> and compares it with <paramref name="gold"/>.</summary>
    /// <param name="gold">The reference answer, as stored in the benchmark (already taken out of its solution text).</param>
    /// <param name="response">The model's full response, reasoning included.</param>
    AnswerJudgement Judge(string gold, string response);

    /// <summary>
    /// True when two already-extracted answers are the same answer (<c>0.5</c> and <c>\frac{1}{2}</c>).
    /// Used to group answers for the majority vote (cons@k); must be symmetric.
    /// </summary>
    bool AreEquivalent(string first, string second);
}
