using System.Text.Json;
using R1Sharp.Distributed;
using R1Sharp.Evaluation.Backends;
using R1Sharp.IO;
using R1Sharp.Models;
using R1Sharp.Rewards.Accuracy;
using R1Sharp.Rewards.Composition;
using R1Sharp.Training.DataParallel;
using R1Sharp.Training.LanguageModeling;
using R1Sharp.Training.Sft;

namespace R1Sharp.Distillation;

/// <summary>
/// R1-Distill in one call: sample the teacher, filter (rejection sampling), fine-tune the student, and compare
/// teacher, student before and student after on held-out prompts (pass@1 = mean correctness of k samples, as in
/// the paper). Every stage writes its files into the run directory and is resumable: sampling continues, and the
/// stages after it are redone from their inputs.
/// </summary>
public static class DistillPipeline
{
    /// <summary>Runs the pipeline.</summary>
    public static async Task<DistillSummary> RunAsync(DistillConfig config, Action<string>? status = null,
        IProgress<SftProgress>? sftProgress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        // issue 17: under mpirun/srun rank 0 alone samples the teacher, filters and evaluates; every rank runs the SFT stage
        // (data-parallel, as r1 sft); the other ranks wait at a barrier, then return the summary rank 0 wrote.
        var ranks = CollectiveBackends.Create();
        RankAgreement.ThrowIfSettingsDiffer(ranks, new Dictionary<string, string> { ["distill_config"] = JsonSerializer.Serialize(config) });
        if (ranks.Rank > 0) return await FollowRankZeroAsync(config, ranks, cancellationToken).ConfigureAwait(false);
        status ??= _ => { };
        using var runLock = RunDirectoryLock.Acquire(config.Output);

        // 1. Sample the teacher.
        await using var rewards = RewardSelection.Create(config.Rewards, config.AnswerField);
        var sampling = new TeacherSamplingOptions
        {
            SamplesPerPrompt = config.Sampling.SamplesPerPrompt,
            Concurrency = config.Sampling.Concurrency,
            PromptSuffix = config.Sampling.PromptSuffix,
            PromptLimit = config.Sampling.Limit,
            Sampling = new SamplingParameters { Temperature = config.Sampling.Temperature, TopP = config.Sampling.TopP, MaxTokens = config.Sampling.MaxTokens, Seed = config.Sampling.Seed },
        };
        string samplesPath = Path.Combine(config.Output, "samples.jsonl");
        SamplingReport report;
        double? teacherPass;
        using (var teacher = OpenTeacher(config.Teacher, config.Student.Device))
        {
            status($"sampling {sampling.SamplesPerPrompt} responses per prompt from {teacher.Backend.Description}");
            report = await new TeacherSampler(teacher.Backend, rewards, sampling).RunAsync(config.Prompts, samplesPath, null, cancellationToken).ConfigureAwait(false);
            status($"sampled {report.Completed} prompts ({report.AlreadyDone} earlier, {report.Failed} failed)");
            if (report.Failed > 0) status($"warning: {report.Failed} prompts failed and are left out; rerun to retry ({report.FirstError})");
            teacherPass = await PassAtOneAsync(config, teacher.Backend, "teacher", status, cancellationToken).ConfigureAwait(false);
        }

        // 2. Rejection sampling.
        string sftPath = Path.Combine(config.Output, "sft.jsonl");
        var filter = config.Filter;
        var statistics = await RejectionRun.RunAsync(samplesPath, sftPath, new RejectionSamplingOptions
        {
            RequireCorrect = filter.RequireCorrect,
            MaxPerPrompt = filter.MaxPerPrompt,
            MaxParagraphCharacters = filter.MaxParagraphChars,
            DropCodeInReasoning = filter.DropCodeInReasoning,
            DropMixedLanguage = filter.DropMixedLanguage,
            DropTruncated = filter.DropTruncated,
            Deduplicate = filter.Deduplicate,
        }, cancellationToken).ConfigureAwait(false);
        status($"kept {statistics.Kept} of {statistics.Responses} responses ({statistics.PromptsKept} of {statistics.Prompts} prompts); " +
               string.Join(", ", statistics.Dropped.Where(d => d.Value > 0).Select(d => $"{d.Key} {d.Value}")));
        if (statistics.Kept == 0) throw new InvalidOperationException($"no response passed the filters; see {RejectionRun.StatisticsPath(sftPath)}");

        // 3. The student before and after SFT.
        double? studentBase = await EvaluateLocalAsync(config, config.Student.ModelDir, "student-base", status, cancellationToken).ConfigureAwait(false);
        if (ranks.Size > 1) ranks.Barrier(); // sft.jsonl is written: every rank trains on its share of it
        var result = await TrainStudentAsync(config, sftPath, status, sftProgress, cancellationToken).ConfigureAwait(false);
        double? student = await EvaluateLocalAsync(config, result.ModelDirectory, "student", status, cancellationToken).ConfigureAwait(false);

        var summary = new DistillSummary(report, statistics, result.ModelDirectory, result.Steps, result.ValidationLoss, teacherPass, studentBase, student);
        await AtomicFile.WriteAllTextAsync(SummaryPath(config),
            JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }), cancellationToken).ConfigureAwait(false);
        if (ranks.Size > 1) ranks.Barrier(); // summary.json is written: the other ranks return it
        return summary;
    }

    // issue 17: a rank other than 0 waits while rank 0 samples and filters (rank 0 aborts the job if that fails), trains its
    // share of the student's SFT, then waits for rank 0's evaluation and returns the summary it wrote.
    private static async Task<DistillSummary> FollowRankZeroAsync(DistillConfig config, ICollectiveBackend ranks, CancellationToken cancellationToken)
    {
        ranks.Barrier();
        await TrainStudentAsync(config, Path.Combine(config.Output, "sft.jsonl"), null, null, cancellationToken).ConfigureAwait(false);
        ranks.Barrier();
        string path = SummaryPath(config);
        return JsonSerializer.Deserialize<DistillSummary>(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false))
            ?? throw new InvalidDataException($"{path}: empty.");
    }

    private static string SummaryPath(DistillConfig config) => Path.Combine(config.Output, "summary.json");

    private static Task<SftRunResult> TrainStudentAsync(DistillConfig config, string sftPath, Action<string>? status, IProgress<SftProgress>? sftProgress,
        CancellationToken cancellationToken) =>
        SftPipeline.RunAsync(new SftRunRequest
        {
            ModelDirectory = config.Student.ModelDir,
            DataPath = sftPath,
            Template = ParseTemplate(config.Student.Template),
            Device = config.Student.Device,
            Overwrite = true, // r1 distill always fine-tunes the student afresh
            Training = (config.Student.Training ?? throw new InvalidOperationException("the config was not loaded with DistillConfigFile.Load"))
                with
            { OutputDirectory = Path.Combine(config.Output, "student") },
        }, status, sftProgress, cancellationToken);

    private static SftTemplateChoice ParseTemplate(string value) => value.ToLowerInvariant() switch
    {
        "model" => SftTemplateChoice.Model,
        "chatml" => SftTemplateChoice.ChatMarkup,
        "deepseek-r1" => SftTemplateChoice.DeepSeekR1,
        "auto" => SftTemplateChoice.Auto,
        _ => throw new ArgumentException($"student.template: unknown value '{value}' (auto, model, chatml, deepseek-r1)"),
    };

    private static async Task<double?> EvaluateLocalAsync(DistillConfig config, string modelDirectory, string name, Action<string> status, CancellationToken cancellationToken)
    {
        if (config.EvalPrompts is null) return null;
        using var local = OpenLocal(modelDirectory, config.Student.Device);
        return await PassAtOneAsync(config, local.Backend, name, status, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>pass@1 = mean accuracy over k samples per evaluation prompt (unscored counts as wrong).</summary>
    private static async Task<double?> PassAtOneAsync(DistillConfig config, ICompletionBackend backend, string name, Action<string> status, CancellationToken cancellationToken)
    {
        if (config.EvalPrompts is null) return null;
        var evaluation = config.Evaluation;
        string path = Path.Combine(config.Output, "eval", name + ".jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new TeacherSamplingOptions
        {
            SamplesPerPrompt = evaluation.Samples,
            Concurrency = config.Sampling.Concurrency,
            PromptSuffix = evaluation.PromptSuffix,
            Sampling = new SamplingParameters { Temperature = evaluation.Temperature, TopP = evaluation.TopP, MaxTokens = evaluation.MaxTokens, Seed = 1234 },
        };
        var accuracy = new AccuracyReward(new AccuracyRewardOptions { AnswerField = config.AnswerField });
        await using (var composer = new RewardComposer([new WeightedReward(accuracy)]))
            await new TeacherSampler(backend, composer, options).RunAsync(config.EvalPrompts, path, null, cancellationToken).ConfigureAwait(false);
        var samples = await SampledResponseFile.ReadAsync(path, cancellationToken).ConfigureAwait(false);
        double pass = samples.Count == 0 ? 0 : samples.Average(s => s.Rewards.GetValueOrDefault(accuracy.Name) ?? 0);
        status($"{name}: pass@1 {pass:P1} over {samples.Count} samples ({path})");
        return pass;
    }

    private static LoadedTeacher OpenTeacher(DistillConfig.ModelSource source, string device)
    {
        if (source.ModelDir is not null) return OpenLocal(source.ModelDir, device);
        var backend = new OpenAICompatibleBackend(new OpenAICompatibleOptions
        {
            Endpoint = new Uri(source.Endpoint!),
            Model = source.Model!,
            ApiKey = Environment.GetEnvironmentVariable(source.ApiKeyEnv),
        });
        return new LoadedTeacher(backend, backend);
    }

    private static LoadedTeacher OpenLocal(string directory, string device)
    {
        var teacher = LocalTeacherLoader.Load(directory, DeviceSelection.Parse(device));
        return new LoadedTeacher(teacher, teacher);
    }

    /// <summary>A backend and what must be disposed with it.</summary>
    private sealed record LoadedTeacher(ICompletionBackend Backend, IDisposable Owner) : IDisposable
    {
        public void Dispose() => Owner.Dispose();
    }
}
