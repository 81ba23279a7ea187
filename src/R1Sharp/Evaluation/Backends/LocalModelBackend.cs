using R1Sharp.Checkpoints;
using R1Sharp.Generation;
using R1Sharp.Models;
using R1Sharp.Text;
using R1Sharp.Text.Templates;
using R1Sharp.Text.Tokenization;
using TorchSharp;

namespace R1Sharp.Evaluation.Backends;

/// <summary>
/// Samples from a model in this process: the conversation is rendered with the model's chat template, tokenized,
/// and a request's samples are generated as one batch by <see cref="BatchedGenerator"/>. Requests run one at a
/// time (the generator owns the model while it runs); raise <see cref="EvaluationOptions.SamplesPerRequest"/> for
/// bigger batches.
/// </summary>
public sealed class LocalModelBackend : ICompletionBackend, IDisposable
{
    private readonly CausalLanguageModel _model;
    private readonly ITextTokenizer _tokenizer;
    private readonly Func<IReadOnlyList<PromptMessage>, string> _formatPrompt;
    private readonly BatchedGenerator _generator;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly bool _ownsModel;

    /// <summary>Wraps loaded parts.</summary>
    /// <param name="name">What to call the model in results (e.g. the checkpoint path).</param>
    /// <param name="model">The model (put in inference mode by the caller).</param>
    /// <param name="tokenizer">Its tokenizer; its EOS ids end generation.</param>
    /// <param name="formatPrompt">Renders the conversation into the prompt text, generation prompt included (the chat template).</param>
    /// <param name="ownsModel">Dispose the model with the backend.</param>
    public LocalModelBackend(string name, CausalLanguageModel model, ITextTokenizer tokenizer, Func<IReadOnlyList<PromptMessage>, string> formatPrompt, bool ownsModel = false)
    {
        Description = name ?? throw new ArgumentNullException(nameof(name));
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        _formatPrompt = formatPrompt ?? throw new ArgumentNullException(nameof(formatPrompt));
        _generator = new BatchedGenerator(model);
        _ownsModel = ownsModel;
    }

    /// <summary>
    /// Loads a Hugging Face checkpoint directory: weights (config.json + safetensors), tokenizer.json and the chat
    /// template of tokenizer_config.json / chat_template.jinja, exactly as the model was trained to be prompted.
    /// </summary>
    /// <param name="directory">The checkpoint directory.</param>
    /// <param name="device">Where the model runs (<c>cpu</c>, <c>cuda</c>).</param>
    /// <param name="dtype">Parameter dtype; default config.json's torch_dtype.</param>
    /// <param name="loraDirectory">A PEFT LoRA adapter trained on <paramref name="directory"/>, attached unmerged; null for none.</param>
    public static LocalModelBackend Load(string directory, torch.Device device, torch.ScalarType? dtype = null, string? loraDirectory = null)
    {
        var template = ChatTemplate.Load(directory);
        var tokenizer = HuggingFaceTokenizer.Load(directory);
        var model = AdaptedCheckpoint.Load(directory, loraDirectory, device, dtype);
        var options = new ChatTemplateOptions { AddGenerationPrompt = true };
        string name = loraDirectory is null ? Path.GetFullPath(directory) : $"{Path.GetFullPath(directory)} + LoRA {Path.GetFullPath(loraDirectory)}";
        return new LocalModelBackend(name, model, tokenizer,
            messages => template.Render(messages.Select(m => (m.Role, m.Content)), options), ownsModel: true);
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <summary>The model's context length (max_position_embeddings): prompt plus response must fit in it.</summary>
    public int ContextLength => _model.Config.MaxPositionEmbeddings;

    /// <inheritdoc />
    public async Task<IReadOnlyList<Completion>> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Count, 1);
        var prompt = _tokenizer.Encode(_formatPrompt(request.Messages), addSpecialTokens: false);
        int maxNewTokens = Math.Min(request.Sampling.MaxTokens, ContextLength - prompt.Count);
        if (maxNewTokens < 1)
            return Repeat(request.Count, $"the prompt ({prompt.Count} tokens) fills the model's context of {ContextLength}");
        var sampling = new SamplingOptions
        {
            MaxNewTokens = maxNewTokens,
            Temperature = request.Sampling.Temperature,
            TopP = request.Sampling.TopP,
            Seed = request.Sampling.Seed,
            EosIds = _tokenizer.EosIds,
            PadId = _tokenizer.PadId,
            SampleableIds = SampleableIds.Of(_tokenizer),
        };

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Generation is CPU/GPU-bound and synchronous: keep it off the caller's thread so progress keeps flowing.
            var sequences = await Task.Run(
                () => _generator.Generate(Enumerable.Repeat(prompt, request.Count).ToList(), sampling, cancellationToken), cancellationToken).ConfigureAwait(false);
            return sequences.OrderBy(s => s.PromptIndex).Select(ToCompletion).ToList();
        }
        catch (ArgumentException e)
        {
            return Repeat(request.Count, "generation rejected the request: " + e.Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    private Completion ToCompletion(GeneratedSequence sequence) => new(
        _tokenizer.Decode(sequence.Tokens, skipSpecialTokens: true),
        sequence.Tokens.Length,
        TokensEstimated: false,
        sequence.FinishReason == FinishReason.Length ? "length" : "stop",
        Error: null);

    private static Completion[] Repeat(int count, string error) =>
        Enumerable.Range(0, count).Select(_ => Completion.Failure(error)).ToArray();

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsModel) _model.Dispose();
        _gate.Dispose();
    }
}
