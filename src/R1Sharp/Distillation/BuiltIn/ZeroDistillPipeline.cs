using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using R1Sharp.Evaluation.Metrics;
using R1Sharp.Generation;
using R1Sharp.Models;
using R1Sharp.Rewards;
using R1Sharp.Tasks;
using R1Sharp.Text.Templates;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Rollouts;
using R1Sharp.Training.Sft;
using R1Sharp.Training.Zero;
using static TorchSharp.torch;
using AtomicFile = R1Sharp.IO.AtomicFile;
using R1Sharp.IO;

namespace R1Sharp.Distillation.BuiltIn;

/// <summary>
/// <c>r1 distill-zero</c>: the paper's distillation-versus-RL comparison (DeepSeek-R1 §4.1) at toy scale. An
/// <c>r1 zero</c> model is the teacher. A smaller student of the same family is pre-trained on the same corpus, then
/// trained two ways from that one base: (1) distillation, i.e. rejection sampling of the teacher on training prompts
/// and SFT on the kept samples; (2) GRPO alone, exactly as <c>r1 zero</c> runs it, for the wall time that
/// distillation took. Teacher, base, distilled and RL student are evaluated with the same held-out protocol.
/// </summary>
/// <remarks>
/// Outputs: <c>summary.json</c>; <c>samples.jsonl</c> (every teacher sample with its scores), <c>sft.jsonl</c> +
/// <c>sft.stats.json</c> (the kept samples as SFT conversations, ready for <c>r1 sft</c>, and the rejection
/// statistics); <c>student-base/</c> and <c>student-distilled/</c> (Hugging Face directories); <c>student-rl/</c>
/// (the GRPO run: metrics and its final checkpoint). Progress phases: load, pretrain, sample, sft, rl, evaluate, done.
/// </remarks>
public static class ZeroDistillPipeline
{
    /// <summary>File name of the summary.</summary>
    public const string SummaryFileName = "summary.json";

    /// <summary>File name of every teacher sample with its scores.</summary>
    public const string SamplesFileName = "samples.jsonl";

    /// <summary>File name of the kept samples as SFT conversations (the statistics go beside it as <c>sft.stats.json</c>).</summary>
    public const string SftFileName = "sft.jsonl";

    /// <summary>
    /// The training stream the teacher answers. Stream 0 is the pre-training corpus and stream 1 the RL prompts, so the
    /// distillation data is neither text the student already read nor the prompts the RL arm trains on.
    /// </summary>
    public const int TeacherStream = 2;

    private const int GenerationBatch = 512;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Runs the demonstration (not resumable: a rerun into the same directory starts over).</summary>
    /// <exception cref="DirectoryNotFoundException">The teacher directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">The teacher has no checkpoint or no vocabulary file (named in the message).</exception>
    /// <exception cref="InvalidDataException">The teacher's vocabulary or config does not match the built-in model (named in the message).</exception>
    /// <exception cref="ConfigurationException">The teacher's grpo_config.json is invalid (named in the message).</exception>
    public static async Task<ZeroDistillSummary> RunAsync(ZeroDistillOptions options, IProgress<ZeroProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var total = Stopwatch.StartNew();
        var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        Report(progress, "load", 0, 1);
        var teacherRun = await ZeroTeacherRun.FindAsync(options.TeacherDirectory, cancellationToken).ConfigureAwait(false);
        int seed = options.Seed ?? teacherRun.Seed ?? ZeroOptions.DefaultSeed;
        var zeroSettings = options.Zero ?? teacherRun.Zero ?? new ZeroOptions();
        var grpo = options.Grpo ?? teacherRun.Grpo ?? zeroSettings.Grpo;
        var device = DeviceSelection.Parse(grpo.Device);
        TorchThreads.Set(options.Threads);
        var loaded = teacherRun.Load(device);
        using var teacher = loaded.Model;
        var tokenizer = loaded.Tokenizer;

        string output = options.OutputDirectory;
        using var runLock = RunDirectoryLock.Acquire(output);
        var zero = zeroSettings with { Seed = seed };
        var suite = zero.CreateSuite();
        var studentConfig = BuiltInModel.Config(options.Student, tokenizer);

        // The student's base: the teacher's corpus, from scratch. Both arms start from this one set of weights.
        var clock = Stopwatch.StartNew();
        string baseDir = Path.Combine(output, "student-base");
        using (var student = CausalLanguageModel.Create(studentConfig, device, ScalarType.Float32, seed))
        {
            Train(new BasePretrainer(suite, tokenizer, zero.Noise), student, options.StudentPretrain ?? zero.Pretrain, "pretrain", progress, cancellationToken);
            await SaveFreshAsync(BuiltInModel.Checkpoint(student, tokenizer), baseDir, cancellationToken).ConfigureAwait(false);
        }
        double pretrainSeconds = clock.Elapsed.TotalSeconds;

        // Arm 1, distillation: rejection sampling of the teacher, then SFT. Its wall time is the RL arm's budget.
        clock.Restart();
        var (rejection, correct) = await SampleAndFilterAsync(options, suite, teacher, tokenizer, grpo.MaxCompletionLength, seed, output, progress, cancellationToken).ConfigureAwait(false);
        double samplingSeconds = clock.Elapsed.TotalSeconds;
        using var distilled = ZeroGrpoRun.Load(studentConfig, device, tokenizer, baseDir);
        clock.Restart();
        int sftSteps = FineTune(options.Sft, tokenizer, rejection.Kept, distilled, seed, progress, cancellationToken);
        double sftSeconds = clock.Elapsed.TotalSeconds;
        await SaveFreshAsync(BuiltInModel.Checkpoint(distilled, tokenizer), Path.Combine(output, "student-distilled"), cancellationToken).ConfigureAwait(false);
        double budget = samplingSeconds + sftSeconds;

        // Arm 2, RL alone: GRPO as r1 zero wires it, from the same base, for the same time.
        using var reinforced = ZeroGrpoRun.Load(studentConfig, device, tokenizer, baseDir);
        var rl = await ReinforceAsync(grpo with { MaxSteps = options.RlMaxSteps, MaxSeconds = budget, EvalSteps = 0, SaveSteps = 0, SaveTotalLimit = 1, Seed = seed },
            suite, tokenizer, reinforced, studentConfig, baseDir, Path.Combine(output, "student-rl"), progress, cancellationToken).ConfigureAwait(false);

        // The same held-out evaluation, with the same seed, for all four (r1 zero's final evaluation uses that seed too).
        clock.Restart();
        var evaluator = new TaskEvaluator(suite, tokenizer, zero.EvalSamples, grpo.MaxCompletionLength, zero.EvalTemperature, zero.EvalTopP);
        using var studentBase = ZeroGrpoRun.Load(studentConfig, device, tokenizer, baseDir);
        var models = new Dictionary<string, CausalLanguageModel>
        {
            [ZeroDistillSummary.Teacher] = teacher,
            [ZeroDistillSummary.StudentBase] = studentBase,
            [ZeroDistillSummary.StudentDistilled] = distilled,
            [ZeroDistillSummary.StudentRl] = reinforced,
        };
        var scores = new Dictionary<string, ModelScores>(StringComparer.Ordinal);
        var results = new Dictionary<string, TaskEvaluationResult>(StringComparer.Ordinal);
        foreach (var name in ZeroDistillSummary.ModelOrder)
        {
            Report(progress, "evaluate", scores.Count, models.Count);
            results[name] = evaluator.Evaluate(models[name], zero.Seed + 99, cancellationToken);
            scores[name] = ModelScores.From(models[name].ParameterCount, results[name]);
        }
        Report(progress, "evaluate", scores.Count, models.Count);
        double evaluationSeconds = clock.Elapsed.TotalSeconds;

        var summary = new ZeroDistillSummary
        {
            TeacherCheckpoint = Path.GetFullPath(teacherRun.CheckpointDirectory),
            Models = scores,
            Distillation = new DistillationArmResult(budget, samplingSeconds, sftSeconds, options.TeacherPrompts, options.SamplesPerPrompt, correct, rejection.Statistics, sftSteps),
            Rl = new RlArmResult(rl.Seconds, budget, rl.Steps),
            // Paired over held-out problems: each problem's pass@1 (mean of its k samples) under both students.
            DistilledMinusRl = PairedBootstrap.Difference(results[ZeroDistillSummary.StudentDistilled].Pass1ByProblem!,
                results[ZeroDistillSummary.StudentRl].Pass1ByProblem!, seed: seed),
            Seed = seed,
            HeldOutProblems = suite.HeldOut.Count,
            EvalSamples = zero.EvalSamples,
            StudentPretrainSeconds = pretrainSeconds,
            EvaluationSeconds = evaluationSeconds,
            Seconds = total.Elapsed.TotalSeconds,
            CpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalSeconds,
        };
        await AtomicFile.WriteAllTextAsync(Path.Combine(output, SummaryFileName), JsonSerializer.Serialize(summary, Json), cancellationToken).ConfigureAwait(false);
        Report(progress, "done", 1, 1);
        return summary;
    }

    /// <summary>
    /// Samples the teacher k times on each training prompt of <see cref="TeacherStream"/>, scores each sample with its
    /// task's checker, keeps the correct, complete, distinct ones (at most m per prompt) with <see cref="RejectionSampler"/>,
    /// and writes samples.jsonl, sft.jsonl and sft.stats.json.
    /// </summary>
    private static async Task<(RejectionResult Rejection, int Correct)> SampleAndFilterAsync(ZeroDistillOptions options, TaskSuite suite,
        CausalLanguageModel teacher, TaskTokenizer tokenizer, int maxNewTokens, int seed, string output, IProgress<ZeroProgress>? progress, CancellationToken cancellationToken)
    {
        int k = options.SamplesPerPrompt;
        var problems = Enumerable.Range(0, options.TeacherPrompts).Select(i => suite.TrainingProblem(i, TeacherStream)).ToList();
        var prompts = problems.Select(p => R1ZeroTemplate.Format(p.Question)).ToList();
        var requests = prompts
            .Select(p => (IReadOnlyList<int>)[.. tokenizer.Encode(p)])
            .SelectMany(ids => Enumerable.Repeat(ids, k))
            .ToList();
        var sampling = SamplingOptions.For(tokenizer, maxNewTokens, options.SamplingTemperature, options.SamplingTopP);
        // The samples are scored by the rewards GRPO trains with (accuracy, format), each kept apart.
        await using var rewards = TaskRewards.CreateComposer(suite, new Dictionary<string, double>());
        var responses = new List<SampledResponse>(requests.Count);
        int batches = (requests.Count + GenerationBatch - 1) / GenerationBatch, correct = 0;
        var clock = Stopwatch.StartNew();
        Report(progress, "sample", 0, batches);
        foreach (var chunk in ChunkedGeneration.Generate(new BatchedGenerator(teacher), requests, GenerationBatch, sampling,
            (batch, _) => seed + 31L * (batch + 1), cancellationToken))
        {
            var inputs = chunk.Sequences.Select(sequence =>
            {
                int index = chunk.Start + sequence.PromptIndex;
                return new RewardInput(prompts[index / k], tokenizer.Decode(sequence.Tokens, skipSpecialTokens: true), problems[index / k].ToRow(),
                    sequence.Tokens.Length, sequence.FinishReason == FinishReason.Length);
            }).ToList();
            var scores = await rewards.ScoreAsync(inputs, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < inputs.Count; i++)
            {
                int index = chunk.Start + chunk.Sequences[i].PromptIndex;
                var byName = scores.Names.Select((name, f) => (name, score: scores.ScoresOf(f)[i])).ToDictionary(x => x.name, x => x.score, StringComparer.Ordinal);
                if (byName["accuracy"] == 1) correct++;
                responses.Add(new SampledResponse(
                    PromptId: (index / k).ToString(CultureInfo.InvariantCulture),
                    SampleIndex: index % k,
                    Prompt: [new ConversationTurn("user", problems[index / k].Question)],
                    Response: inputs[i].Completion,
                    FinishReason: inputs[i].Truncated ? SampledResponse.LengthFinish : SampledResponse.StopFinish,
                    CompletionTokens: inputs[i].CompletionTokens,
                    Rewards: byName,
                    Row: inputs[i].Row));
            }
            double perBatch = clock.Elapsed.TotalSeconds / (chunk.Index + 1);
            Report(progress, "sample", chunk.Index + 1, batches, new Dictionary<string, double> { ["accuracy"] = (double)correct / responses.Count },
                TimeSpan.FromSeconds(perBatch * (batches - chunk.Index - 1)));
        }

        await AtomicFile.WriteAllTextAsync(Path.Combine(output, SamplesFileName),
            string.Concat(responses.Select(r => SampledResponseFile.ToLine(r) + "\n")), cancellationToken).ConfigureAwait(false);
        var rejection = new RejectionSampler(new RejectionSamplingOptions { MaxPerPrompt = options.MaxPerPrompt }).Filter(responses);
        string sftPath = Path.Combine(output, SftFileName);
        await SampledResponseFile.WriteConversationsAsync(sftPath, rejection.Kept, cancellationToken).ConfigureAwait(false);
        await AtomicFile.WriteAllTextAsync(RejectionRun.StatisticsPath(sftPath),
            JsonSerializer.Serialize(rejection.Statistics, new JsonSerializerOptions { WriteIndented = true }), cancellationToken).ConfigureAwait(false);
        return (rejection, correct);
    }

    /// <summary>
    /// SFT of <paramref name="student"/> on the kept samples: prompt = the R1-Zero template with the question, completion =
    /// the teacher's text exactly as it was sampled; each epoch in its own shuffled order. Returns the optimizer steps (0
    /// when nothing was kept: the student then stays its base).
    /// </summary>
    private static int FineTune(StudentSftOptions sft, TaskTokenizer tokenizer, IReadOnlyList<SampledResponse> kept, CausalLanguageModel student,
        int seed, IProgress<ZeroProgress>? progress, CancellationToken cancellationToken)
    {
        int count = kept.Count;
        if (count == 0)
        {
            Report(progress, "sft", 0, 0);
            return 0;
        }
        var orders = new Dictionary<long, int[]>();
        (string Prompt, string Completion) Document(long index)
        {
            long epoch = index / count;
            if (!orders.TryGetValue(epoch, out var order))
            {
                order = [.. Enumerable.Range(0, count)];
                new Random(unchecked(seed * 7_919 + (int)epoch)).Shuffle(order);
                orders[epoch] = order;
            }
            var response = kept[order[index % count]];
            return (R1ZeroTemplate.Format(response.Prompt[^1].Content), response.Response);
        }
        int steps = (int)Math.Ceiling((double)sft.Epochs * count / sft.BatchSize);
        var pretrain = new PretrainOptions(steps, sft.BatchSize, sft.LearningRate, Math.Min(sft.WarmupSteps, steps / 2));
        Train(new BasePretrainer(tokenizer, Document), student, pretrain, "sft", progress, cancellationToken);
        return steps;
    }

    /// <summary>GRPO on <paramref name="policy"/> exactly as r1 zero runs it (prompts of training stream 1, accuracy + format rewards, in-process rollouts).</summary>
    private static async Task<GrpoRunResult> ReinforceAsync(GrpoOptions grpo, TaskSuite suite, TaskTokenizer tokenizer, CausalLanguageModel policy,
        ModelConfig config, string baseDir, string runDir, IProgress<ZeroProgress>? progress, CancellationToken cancellationToken)
    {
        // A rerun into the same output directory must not resume the previous run's GRPO.
        if (Directory.Exists(runDir)) Directory.Delete(runDir, recursive: true);
        var report = new SynchronousProgress<GrpoProgress>(p =>
        {
            // Steps are open-ended under a time budget: the expected total comes from the pace so far.
            double elapsed = p.Elapsed.TotalSeconds;
            int expected = elapsed > 0 ? (int)Math.Ceiling(grpo.MaxSeconds * p.Step / elapsed) : p.Step;
            progress?.Report(new ZeroProgress("rl", p.Step, Math.Clamp(expected, p.Step, p.MaxSteps), p.Metrics, p.Eta));
        });
        return await ZeroGrpoRun.RunAsync(policy, config, baseDir, suite, tokenizer, grpo, runDir, resume: false, evaluate: null, report, cancellationToken).ConfigureAwait(false);
    }

    private static void Train(BasePretrainer trainer, CausalLanguageModel model, PretrainOptions options, string phase, IProgress<ZeroProgress>? progress, CancellationToken cancellationToken) =>
        trainer.Train(model, options, new MovingLossProgress(phase, options.Steps, progress), cancellationToken);

    // Replaces whatever an earlier run left in the directory, so it never mixes files of two runs.
    private static async Task SaveFreshAsync(HuggingFacePolicyCheckpoint checkpoint, string directory, CancellationToken cancellationToken)
    {
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        await checkpoint.SaveAsync(directory, cancellationToken).ConfigureAwait(false);
    }

    private static void Report(IProgress<ZeroProgress>? progress, string phase, int step, int total, IReadOnlyDictionary<string, double>? values = null, TimeSpan eta = default) =>
        progress?.Report(new ZeroProgress(phase, step, total, values ?? new Dictionary<string, double>(), eta));
}
