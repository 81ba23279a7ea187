using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using R1Sharp.Checkpoints;
using R1Sharp.Data;
using R1Sharp.IO;
using R1Sharp.Models;
using R1Sharp.Models.Lora;
using R1Sharp.Tasks;
using R1Sharp.Text;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Sft;

namespace R1Sharp.RewardModels;

/// <summary>
/// The whole of <c>r1 rm</c> as a library call: read and tokenize the preference pairs, hold out a split, load the
/// checkpoint with a scalar head, train with <see cref="RewardModelTrainer"/>, save final/ as a sequence-classification
/// checkpoint with the tokenizer files, and write <see cref="SummaryFileName"/> (held-out accuracy before and after).
/// </summary>
public static class RewardModelPipeline
{
    /// <summary>The run summary written in the output folder.</summary>
    public const string SummaryFileName = "rm_summary.json";

    /// <summary>Runs reward-model training.</summary>
    /// <param name="request">Model, data and settings.</param>
    /// <param name="status">Receives one line per phase.</param>
    /// <param name="progress">Receives every optimizer step.</param>
    /// <param name="cancellationToken">Stops between steps; the last checkpoint stays usable for <c>--resume</c>.</param>
    public static async Task<RewardModelRunResult> RunAsync(RewardModelRunRequest request, Action<string>? status = null,
        IProgress<RewardModelProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = request.Training;
        options.Validate();
        status ??= _ => { };
        if (request.ResumeFrom is not null && request.Overwrite)
            throw new ConfigurationException("--resume and --overwrite contradict each other: resume continues the run in the folder, overwrite deletes it.");
        var watch = Stopwatch.StartNew();
        using var runLock = RunDirectoryLock.Acquire(options.OutputDirectory);
        if (request.ResumeFrom is null) FreshStart.Prepare(options.OutputDirectory, request.Overwrite);
        var device = DeviceSelection.Parse(request.Device);
        var dtype = DeviceSelection.ParseOptionalDtype(request.Dtype);

        status($"loading {request.ModelDirectory}");
        var tokenizer = ModelDirectoryTokenizer.Load(request.ModelDirectory);
        var reader = new PreferenceReader(SftPipeline.ChooseRenderer(request.ModelDirectory, request.Template, out string templateName));
        var pairs = await reader.ReadFileAsync(request.DataPath, cancellationToken).ConfigureAwait(false);
        var heldOut = request.ValidationPath is null ? null : await reader.ReadFileAsync(request.ValidationPath, cancellationToken).ConfigureAwait(false);
        var (train, validation, dropped) = Split(pairs, heldOut, tokenizer, options);
        status($"{train.Count} training / {validation.Count} held-out pairs ({templateName} template for conversational rows); {dropped} dropped (longer than max_length {options.MaxLength})");

        var model = RewardModelCheckpoint.Load(request.ModelDirectory, device, dtype, headSeed: options.Seed);
        using (model)
        {
            if (tokenizer.VocabSize > model.Config.VocabSize)
                throw new InvalidDataException($"{request.ModelDirectory}: the tokenizer has {tokenizer.VocabSize} ids but the model's vocab_size is {model.Config.VocabSize}");
            using var lora = options.Lora is { } loraOptions ? LoraModel.Attach(model.Body, loraOptions, StableSeed.Derive(options.Seed, 0x10A4)) : null;
            var trainer = new RewardModelTrainer(model, lora, train, validation, options, tokenizer.PadId, dir => TokenizerFiles.Copy(request.ModelDirectory, dir));
            status(lora is null
                ? $"training {model.ParameterCount:N0} parameters for {trainer.TotalSteps} steps on {device}"
                : $"training {lora.ParameterCount:N0} LoRA parameters and the head (base of {model.Body.ParameterCount:N0} frozen) for {trainer.TotalSteps} steps on {device}");
            var result = await trainer.TrainAsync(request.ResumeFrom, progress, cancellationToken).ConfigureAwait(false);
            await WriteSummaryAsync(request, result, train.Count, validation.Count, dropped, watch.Elapsed.TotalSeconds, cancellationToken).ConfigureAwait(false);
            return result;
        }
    }

    /// <summary>
    /// Tokenizes the pairs (with the tokenizer's special tokens, as transformers' <c>tokenizer(text)</c>), drops those
    /// with a side longer than max_length, and holds out validation_fraction of them (a seeded draw) unless a separate
    /// held-out set is given.
    /// </summary>
    public static (List<TokenizedPair> Train, List<TokenizedPair> Validation, int Dropped) Split(IReadOnlyList<PreferencePair> pairs,
        IReadOnlyList<PreferencePair>? heldOut, ITextTokenizer tokenizer, RewardModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(options);
        int dropped = 0;
        List<TokenizedPair> Tokenize(IEnumerable<PreferencePair> source)
        {
            var list = new List<TokenizedPair>();
            foreach (var pair in source)
            {
                var chosen = tokenizer.Encode(pair.Chosen, addSpecialTokens: true);
                var rejected = tokenizer.Encode(pair.Rejected, addSpecialTokens: true);
                if (chosen.Count == 0 || rejected.Count == 0) throw new DatasetFormatException(pair.Location.Split(':')[0], LineOf(pair.Location), "a response tokenizes to nothing");
                if (chosen.Count > options.MaxLength || rejected.Count > options.MaxLength) dropped++;
                else list.Add(new TokenizedPair(chosen, rejected, pair.Location));
            }
            return list;
        }
        var all = Tokenize(pairs);
        if (heldOut is not null) return (all, Tokenize(heldOut), dropped);
        int count = options.ValidationFraction > 0 && all.Count >= 2 ? Math.Max(1, (int)Math.Round(all.Count * options.ValidationFraction)) : 0;
        var order = Enumerable.Range(0, all.Count).ToArray();
        new Random(StableSeed.Derive(options.Seed, 0x5A11)).Shuffle(order);
        var validation = order.Take(count).Order().Select(i => all[i]).ToList();
        var train = order.Skip(count).Order().Select(i => all[i]).ToList();
        return (train, validation, dropped);
    }

    private static int LineOf(string location) =>
        int.TryParse(location[(location.LastIndexOf(':') + 1)..], out int line) ? line : 0;

    private static async Task WriteSummaryAsync(RewardModelRunRequest request, RewardModelRunResult result, int train, int validation, int dropped,
        double seconds, CancellationToken cancellationToken)
    {
        var summary = new JsonObject
        {
            ["model"] = Path.GetFullPath(request.ModelDirectory),
            ["data"] = Path.GetFullPath(request.DataPath),
            ["train_pairs"] = train,
            ["eval_pairs"] = validation,
            ["dropped_overlong"] = dropped,
            ["steps"] = result.Steps,
            ["initial_eval_accuracy"] = Number(result.InitialAccuracy),
            ["eval_accuracy"] = Number(result.Final?.Accuracy),
            ["eval_loss"] = Number(result.Final?.Loss),
            ["eval_margin"] = Number(result.Final?.MeanMargin),
            ["eval_chosen_mean"] = Number(result.Final?.MeanChosen),
            ["eval_rejected_mean"] = Number(result.Final?.MeanRejected),
            ["first_train_loss"] = Number(result.FirstLoss),
            ["last_train_loss"] = Number(result.LastLoss),
            ["model_directory"] = result.ModelDirectory,
            ["seconds"] = Math.Round(seconds, 2),
        };
        string path = Path.Combine(request.Training.OutputDirectory, SummaryFileName);
        await AtomicFile.WriteAllTextAsync(path, summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken).ConfigureAwait(false);
    }

    private static JsonNode? Number(double? value) => value is { } v && double.IsFinite(v) ? JsonValue.Create(Math.Round(v, 6)) : null;
}
