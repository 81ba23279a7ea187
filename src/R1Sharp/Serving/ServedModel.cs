using R1Sharp.Models;
using R1Sharp.Serving.Engine;
using R1Sharp.Text;

namespace R1Sharp.Serving;

/// <summary>What the server needs of a model: the engine that runs it, its tokenizer and chat template.</summary>
/// <param name="Name">Model name reported by /v1/models.</param>
/// <param name="Engine">The continuous-batching engine that owns the model.</param>
/// <param name="Tokenizer">The model's tokenizer.</param>
/// <param name="ChatFormatter">The model's chat template (null: /v1/chat/completions answers 400).</param>
/// <param name="LoadWeights">Loads a checkpoint directory for POST /v1/reload (null: reload is disabled).</param>
public sealed record ServedModel(
    string Name,
    ContinuousBatchingEngine Engine,
    ITextTokenizer Tokenizer,
    IChatPromptFormatter? ChatFormatter,
    Func<string, CausalLanguageModel>? LoadWeights = null);
