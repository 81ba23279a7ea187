using R1Sharp.Evaluation.Backends;
using R1Sharp.Generation;
using R1Sharp.Models;
using R1Sharp.Text;
using R1Sharp.Training.Sft;

namespace R1Sharp.Distillation;

/// <summary>
/// The in-process model as a teacher (or as the model under evaluation): renders the prompt with the chat
/// template, samples the n responses of a request as one batch with <see cref="BatchedGenerator"/>, and decodes
/// them. Requests are served one at a time (one model, one batch); use a server for throughput. With a
/// <see cref="SamplingParameters.Seed"/>, a request's samples are the same on every run on the same device,
/// whatever the order of requests (each call has its own random generator). <see cref="LocalTeacherLoader"/>
/// opens one from a model directory.
/// </summary>
public sealed class LocalModelTeacher : ICompletionBackend, IDisposable
{
    private readonly BatchedGenerator _generator;
    private readonly ITextTokenizer _tokenizer;
    private readonly IConversationRenderer _renderer;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _name;
    private readonly bool _ownsModel;

    /// <summary>Wraps a loaded model.</summary>
    /// <param name="model">The model.</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="renderer">Its chat template.</param>
    /// <param name="name">Description for logs.</param>
    /// <param name="ownsModel">Dispose the model with the teacher (default false: the caller keeps it).</param>
    public LocalModelTeacher(CausalLanguageModel model, ITextTokenizer tokenizer, IConversationRenderer renderer, string name, bool ownsModel = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        _generator = new BatchedGenerator(model);
        _ownsModel = ownsModel;
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        _renderer = renderer ?? throw new ArgumentNullException(nameof(renderer));
        _name = name ?? throw new ArgumentNullException(nameof(name));
    }

    /// <inheritdoc />
    public string Description => _name;

    /// <inheritdoc />
    public async Task<IReadOnlyList<Completion>> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string prompt = _renderer.Render([.. request.Messages.Select(m => new ConversationTurn(m.Role, m.Content))], addGenerationPrompt: true);
        bool addBos = !(_tokenizer.BosId is int bos && prompt.StartsWith(_tokenizer.Decode([bos]), StringComparison.Ordinal));
        var ids = _tokenizer.Encode(prompt, addBos);
        int room = _generator.Model.Config.MaxPositionEmbeddings - ids.Count;
        if (room < 1)
            return [.. Enumerable.Repeat(Completion.Failure($"the prompt has {ids.Count} tokens, no room left in the model's context"), request.Count)];
        var options = new SamplingOptions
        {
            MaxNewTokens = Math.Min(request.Sampling.MaxTokens, room),
            Temperature = request.Sampling.Temperature,
            TopP = request.Sampling.TopP,
            EosIds = _tokenizer.EosIds,
            PadId = _tokenizer.PadId,
            SampleableIds = SampleableIds.Of(_tokenizer),
            Seed = request.Sampling.Seed,
        };
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Generation is CPU/GPU-bound: keep it off the caller's thread.
            var sequences = await Task.Run(() => _generator.Generate([.. Enumerable.Repeat(ids, request.Count)], options, cancellationToken), cancellationToken).ConfigureAwait(false);
            return [.. sequences.OrderBy(s => s.PromptIndex).Select(s => new Completion(
                _tokenizer.Decode(s.Tokens, skipSpecialTokens: true), s.Tokens.Length, false,
                s.FinishReason == FinishReason.Length ? "length" : "stop", null))];
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsModel) _generator.Model.Dispose();
        _gate.Dispose();
    }
}
