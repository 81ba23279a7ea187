namespace R1Sharp.Evaluation.Backends;

/// <summary>
/// Something that samples responses: an OpenAI-compatible server (vLLM, SGLang, llama.cpp, <c>r1 serve</c>, hosted
/// APIs) or the in-process model. Failures of single samples are returned as <see cref="Completion.Error"/>,
/// never thrown, so that one bad request does not stop an evaluation; only cancellation throws.
/// Implementations must accept concurrent calls.
/// </summary>
public interface ICompletionBackend
{
    /// <summary>What the backend is (model and endpoint), for logs and the summary.</summary>
    string Description { get; }

    /// <summary>Samples <see cref="CompletionRequest.Count"/> responses; the result has exactly that many entries.</summary>
    Task<IReadOnlyList<Completion>> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken = default);
}
