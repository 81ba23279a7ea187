using R1Sharp.Checkpoints;
using R1Sharp.Generation;
using R1Sharp.Models;
using R1Sharp.Tasks;
using R1Sharp.Text;
using R1Sharp.Text.Templates;
using R1Sharp.Text.Tokenization;
using R1Sharp.Tools;
using R1Sharp.Training.Rollouts;
using TorchSharp;

namespace R1Sharp.Evaluation.Backends;

/// <summary>
/// Samples from a model in this process: the conversation is rendered with the model's chat template, tokenized,
/// and a request's samples are generated as one batch by <see cref="BatchedGenerator"/>. Requests run one at a
/// time (the generator owns the model while it runs); raise <see cref="EvaluationOptions.SamplesPerRequest"/> for
/// bigger batches. With tools (<c>r1 eval --tools</c>, issue 20) a request's samples are multi-turn conversations run
/// by the tool loop GRPO trains with (<see cref="ToolCallingRollouts"/>): a model that learnt to call tools is evaluated
/// as it was trained, and each completion records its tool calls.
/// </summary>
public sealed class LocalModelBackend : ICompletionBackend, IDisposable
{
    private readonly CausalLanguageModel _model;
    private readonly ITextTokenizer _tokenizer;
    private readonly Func<IReadOnlyList<PromptMessage>, string> _formatPrompt;
    private readonly BatchedGenerator _generator;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly bool _ownsModel;
    private readonly ToolCallingRollouts? _tools;
    private ConfiguredTools? _ownedTools;

    /// <summary>Wraps loaded parts.</summary>
    /// <param name="name">What to call the model in results (e.g. the checkpoint path).</param>
    /// <param name="model">The model (put in inference mode by the caller).</param>
    /// <param name="tokenizer">Its tokenizer; its EOS ids end generation.</param>
    /// <param name="formatPrompt">Renders the conversation into the prompt text, generation prompt included (the chat template).</param>
    /// <param name="ownsModel">Dispose the model with the backend.</param>
    /// <param name="tools">The tool loop samples run through, or null (default) for single-turn completions.</param>
    public LocalModelBackend(string name, CausalLanguageModel model, ITextTokenizer tokenizer, Func<IReadOnlyList<PromptMessage>, string> formatPrompt,
        bool ownsModel = false, ToolCallingRollouts? tools = null)
    {
        _tools = tools;
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
        var (name, model, tokenizer, format) = LoadParts(directory, device, dtype, loraDirectory);
        return new LocalModelBackend(name, model, tokenizer, format, ownsModel: true);
    }

    /// <summary>
    /// <see cref="Load"/> with the tools of <paramref name="tools"/> (started here, disposed with the backend). Tool
    /// messages are rendered as the prompt's template renders them: ChatML when the prompt is ChatML (Qwen), the plain
    /// <c>```output</c> fence otherwise, as <c>r1 grpo</c> does for chat and R1-Zero templates.
    /// </summary>
    /// <exception cref="Rewards.Sandbox.SandboxUnavailableException">python is asked for and bubblewrap cannot run here.</exception>
    public static async Task<LocalModelBackend> LoadAsync(string directory, torch.Device device, torch.ScalarType? dtype, string? loraDirectory,
        ToolSettings? tools, CancellationToken cancellationToken = default)
    {
        if (tools is null || tools.Names.Count == 0) return Load(directory, device, dtype, loraDirectory);
        var (name, model, tokenizer, format) = LoadParts(directory, device, dtype, loraDirectory);
        try
        {
            var messageFormat = ToolFormatFor(format([new PromptMessage("user", "?")]));
            var configured = await ConfiguredTools.CreateAsync(tools, tokenizer, messageFormat, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new LocalModelBackend(name, model, tokenizer, format, ownsModel: true, configured.Rollouts) { _ownedTools = configured };
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static (string Name, CausalLanguageModel Model, ITextTokenizer Tokenizer, Func<IReadOnlyList<PromptMessage>, string> Format) LoadParts(
        string directory, torch.Device device, torch.ScalarType? dtype, string? loraDirectory)
    {
        // Checkpoints of the built-in model (r1 zero, also with --tools' extended vocabulary) carry the task tokenizer's vocabulary instead of tokenizer.json.
        var template = ModelDirectoryTokenizer.LoadTemplate(directory);
        var tokenizer = ModelDirectoryTokenizer.Load(directory);
        var model = AdaptedCheckpoint.Load(directory, loraDirectory, device, dtype);
        try
        {
            ModelDirectoryTokenizer.CheckFitsModel(directory, tokenizer, model.Config.VocabSize);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        var options = new ChatTemplateOptions { AddGenerationPrompt = true };
        string name = loraDirectory is null ? Path.GetFullPath(directory) : $"{Path.GetFullPath(directory)} + LoRA {Path.GetFullPath(loraDirectory)}";
        return (name, model, tokenizer, messages => template.Render(messages.Select(m => (m.Role, m.Content)), options));
    }

    /// <summary>How tool messages are rendered after a prompt rendered as <paramref name="renderedPrompt"/>: ChatML's tool turn for ChatML prompts, else the plain fence.</summary>
    public static ToolMessageFormat ToolFormatFor(string renderedPrompt) =>
        renderedPrompt.Contains("<|im_start|>assistant", StringComparison.Ordinal) ? ToolMessageFormat.ChatMl : ToolMessageFormat.Plain;

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
            if (_tools is not null) return await CompleteWithToolsAsync(prompt, request, sampling, cancellationToken).ConfigureAwait(false);
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

    private async Task<IReadOnlyList<Completion>> CompleteWithToolsAsync(IReadOnlyList<int> prompt, CompletionRequest request, SamplingOptions sampling, CancellationToken cancellationToken)
    {
        // The loop seeds each round from the request's seed; without one, a random seed (as single-turn sampling without one).
        long seed = request.Sampling.Seed ?? Random.Shared.NextInt64(int.MaxValue);
        var prompts = Enumerable.Repeat(prompt, request.Count).ToList();
        var rollouts = await Task.Run(() => _tools!.GenerateAsync(_generator, prompts, sampling, request.Count, seed, cancellationToken), cancellationToken).ConfigureAwait(false);
        return rollouts.OrderBy(r => r.PromptIndex).Select(r => ToolCompletion(r, _tokenizer)).ToList();
    }

    /// <summary>The sample record of a multi-turn rollout, the same for every backend that runs the tool loop.</summary>
    internal static Completion ToolCompletion(Rollout rollout, ITextTokenizer tokenizer) => new(
        tokenizer.Decode(rollout.Tokens, skipSpecialTokens: true), rollout.Tokens.Length, TokensEstimated: false, rollout.Truncated ? "length" : "stop", Error: null)
    { ToolCalls = rollout.Tools?.Calls ?? 0, ToolFailures = rollout.Tools?.Failures ?? 0 };

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
        _ownedTools?.Dispose();
        _gate.Dispose();
    }
}
