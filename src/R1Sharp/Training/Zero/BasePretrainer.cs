using R1Sharp.Models;
using R1Sharp.Tasks;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.LanguageModeling;
using R1Sharp.Training.Optimization;
using static TorchSharp.torch;

namespace R1Sharp.Training.Zero;

/// <summary>
/// Builds the R1-Zero base model's knowledge by next-token prediction on <see cref="SyntheticCorpus"/>. The loss
/// covers the completion tokens only: the template is constant and the question random, so predicting them
/// would spend the short budget on nothing the RL stage needs.
/// </summary>
/// <remarks>
/// Documents are packed several to a row with block-diagonal attention (positions restart per document). Bare
/// guesses are ~10 tokens and self-checking solutions ~100, so one document per row wasted over half of every
/// batch on padding; sorting documents into length buckets instead removed the padding but made each batch all
/// guesses or all worked solutions, and the base model ended up guessing far more than its corpus does (measured:
/// mean length 10.8 tokens against 15.2). Packing keeps every batch a random draw of the corpus.
/// </remarks>
public sealed class BasePretrainer
{
    private readonly TaskTokenizer _tokenizer;
    private readonly Func<long, (string Prompt, string Completion)> _documents;

    /// <summary>Pre-training on the synthetic corpus.</summary>
    /// <param name="suite">Task suite (training stream 0 is the corpus).</param>
    /// <param name="tokenizer">Task tokenizer.</param>
    /// <param name="noise">Corpus imperfections.</param>
    public BasePretrainer(TaskSuite suite, TaskTokenizer tokenizer, CorpusNoise noise)
        : this(tokenizer, index => SyntheticCorpus.Document(suite, index, noise))
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(noise);
    }

    /// <summary>
    /// Training on any (prompt, completion) documents, e.g. a teacher's filtered samples for distillation: document
    /// number k is <c>documents(k)</c> (the function may cycle through a finite set).
    /// </summary>
    public BasePretrainer(TaskTokenizer tokenizer, Func<long, (string Prompt, string Completion)> documents)
    {
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        _documents = documents ?? throw new ArgumentNullException(nameof(documents));
    }

    /// <summary>Row length of packed batches (a longer document gets a row of its own length).</summary>
    public const int RowLength = 192;

    /// <summary>Trains <paramref name="model"/> in place; reports (step, loss) after every step. No checkpoints.</summary>
    public void Train(CausalLanguageModel model, PretrainOptions options, IProgress<(int Step, double Loss)>? progress, CancellationToken cancellationToken) =>
        TrainAsync(model, options, progress, checkpoints: null, cancellationToken).GetAwaiter().GetResult();

    /// <summary>
    /// Trains <paramref name="model"/> in place, saving a checkpoint (weights, AdamW moments, step) every
    /// <see cref="PretrainOptions.SaveSteps"/> steps into <paramref name="checkpoints"/> and continuing from its latest
    /// one. Batches and the learning rate are functions of the step alone, so a resumed run trains on exactly the
    /// documents the uninterrupted one would have.
    /// </summary>
    /// <returns>Training seconds, summed across resumes.</returns>
    public async Task<double> TrainAsync(CausalLanguageModel model, PretrainOptions options, IProgress<(int Step, double Loss)>? progress,
        PretrainCheckpoints? checkpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Workers < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.Workers, "pretrain.workers: must be 0 (one per core torch's threads leave free, at most 2) or a count of 1 or more");
        model.train();
        // With bf16 the optimizer and checkpoints keep the float32 model; forward and backward run on its bf16 copy.
        using var mixed = options.Bf16 ? new MixedPrecisionModel(model) : null;
        var forward = new PackedCausalForward(mixed?.Compute ?? model);
        var parameters = model.parameters().ToList();
        using var optimizer = new Optimization.AdamW(parameters, options.LearningRate, 0.9, 0.95, 1e-8, 0.01);
        int workers = options.EffectiveWorkers();
        var crossEntropy = new CrossEntropyStep(forward.Logits, parameters, maxGradNorm: 1.0).WithConcurrentMicroBatches(workers);
        if (mixed is not null) crossEntropy.WithMasterWeights(mixed);
        int start = 1;
        double earlier = 0;
        var settings = RunSettings.From(options, SettingsJson, SettingsThatMayChange);
        // Checkpoints written before the option existed resume as fp32 runs.
        if (!options.Bf16) settings.Remove("bf16");
        // How a step is split over threads does not change what it computes (up to rounding): not a setting of the run.
        settings.Remove("workers");
        if (checkpoints?.Store.Latest() is { } latest)
        {
            RunSettings.ThrowIfChanged(latest.Directory, latest.State.Settings, settings);
            checkpoints.Weights.Load(latest.Directory);
            mixed?.CopyMasterToCompute();
            CheckpointStore.RestoreOptimizer(optimizer, OptimizerPath(latest.Directory));
            start = latest.State.Step + 1;
            earlier = latest.State.ElapsedSeconds;
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int step = start; step <= options.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using (NewDisposeScope())
            {
                double lr = LearningRateSchedule.At(step, options.Steps, options.LearningRate, options.WarmupSteps, LearningRateScheduleKind.Cosine, 0.1);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                var shards = Batches(step, options.BatchSize, model.Device, workers);
                var result = crossEntropy.Run(optimizer, [.. shards.Select(shard => (Func<TokenBatch>)(() => shard))], shards.Sum(shard => shard.TargetTokens));
                progress?.Report((step, result.Loss));
            }
            if (checkpoints is not null && options.SaveSteps > 0 && step % options.SaveSteps == 0 && step < options.Steps)
            {
                var state = new TrainerState(step, (long)step * options.BatchSize, checkpoints.Seed, earlier + clock.Elapsed.TotalSeconds, "pretrain", settings);
                await checkpoints.Store.SaveAsync(state, async dir =>
                {
                    await checkpoints.Weights.SaveAsync(dir, cancellationToken).ConfigureAwait(false);
                    optimizer.save_state_dict(Path.Combine(dir, CheckpointStore.OptimizerFileName));
                }, keepLast: 1, cancellationToken).ConfigureAwait(false);
            }
        }
        return earlier + clock.Elapsed.TotalSeconds;
    }

    /// <summary>Pre-training options a resumed run may change: its length and how often it saves.</summary>
    private static readonly string[] SettingsThatMayChange = ["steps", "save_steps"];

    private static readonly System.Text.Json.JsonSerializerOptions SettingsJson = new() { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower };

    // Pre-training checkpoints written before the trainers shared one layout named the AdamW state optimizer.pt.
    private static string OptimizerPath(string checkpoint)
    {
        string path = Path.Combine(checkpoint, CheckpointStore.OptimizerFileName);
        string legacy = Path.Combine(checkpoint, "optimizer.pt");
        return !File.Exists(path) && File.Exists(legacy) ? legacy : path;
    }

    /// <summary>The packed batch of step <paramref name="step"/>: documents (step − 1)·size … step·size − 1.</summary>
    public TokenBatch Batch(int step, int size, Device device) => Batches(step, size, device, shards: 1)[0];

    /// <summary>
    /// The packed batch of step <paramref name="step"/> as up to <paramref name="shards"/> batches of consecutive rows
    /// (the same rows, packed the same way, as <see cref="Batch"/>).
    /// </summary>
    public IReadOnlyList<TokenBatch> Batches(int step, int size, Device device, int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        long first = (step - 1L) * size;
        var docs = new List<TokenizedSequence>(size);
        for (int i = 0; i < size; i++)
        {
            var (prompt, completion) = _documents(first + i);
            var promptIds = _tokenizer.Encode(prompt);
            int[] ids = [.. promptIds, .. _tokenizer.Encode(completion), TaskTokenizer.EndOfText];
            // Trainable marks the tokens to be predicted: the completion and its end-of-text.
            docs.Add(new TokenizedSequence(ids, [.. ids.Select((_, t) => t >= promptIds.Count)], $"corpus document {first + i}"));
        }
        int capacity = Math.Max(RowLength, docs.Max(d => d.Length));
        var rows = SequencePacker.Plan([.. docs.Select(d => d.Length)], SequenceLayout.Packed, capacity, rowsPerBatch: size, seed: 0, epoch: step)
            .SelectMany(b => b).ToList();
        var collator = new TokenBatchCollator(docs, TaskTokenizer.Pad);
        if (shards == 1 || rows.Count < 2) return [collator.Collate(rows, device)];
        int parts = Math.Min(shards, rows.Count);
        return [.. Enumerable.Range(0, parts).Select(p =>
        {
            int from = rows.Count * p / parts, to = rows.Count * (p + 1) / parts;
            return collator.Collate(rows.GetRange(from, to - from), device);
        })];
    }
}
