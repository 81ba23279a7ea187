using R1Sharp.Checkpoints;
using R1Sharp.Data;
using R1Sharp.Distributed;
using R1Sharp.Generation;
using R1Sharp.Models;
using R1Sharp.Models.Lora;
using R1Sharp.Tasks;
using R1Sharp.Text.Templates;
using R1Sharp.Text.Tokenization;
using R1Sharp.Training.Checkpointing;
using R1Sharp.Training.Rollouts;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.DataParallel;
using R1Sharp.Text;
using static TorchSharp.torch;
using R1Sharp.IO;

using R1Sharp.Tools;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// <c>r1 grpo</c> in the library: loads a Hugging Face checkpoint and its tokenizer, a data set, the reward
/// functions, and runs <see cref="GrpoTrainer"/>. Checkpoints are Hugging Face directories with the tokenizer
/// files copied in, so each one is a complete model.
/// </summary>
public static class HuggingFaceGrpoRun
{
    private static readonly string[] DefaultPromptFields = ["prompt", "problem", "question"];

    /// <summary>Runs the request.</summary>
    /// <exception cref="ConfigurationException">Invalid options or reward list (the message names the option).</exception>
    public static async Task<GrpoRunResult> RunAsync(GrpoRunRequest request, IProgress<GrpoProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = request.Options;
        GrpoOptionsValidator.ThrowIfInvalid(options, "r1 grpo");
        await using var rewards = GrpoRewards.Create(request.RewardSpec, options, request.RewardRegistry);
        // Under mpirun/srun every rank runs this same code (issue 17); rank 0 alone owns the run directory.
        var ranks = CollectiveBackends.Create(options.DistributedBackend);
        if (options.RolloutDtype != RolloutDtype.Float32 && request.RemoteRollouts is { Endpoints.Count: > 0 })
            throw new ConfigurationException("rollout_dtype applies to in-process rollouts; a server samples in its own precision (r1 serve --dtype, vLLM --dtype). Drop rollout_dtype or the rollout endpoints.");
        // "cuda" without an index: each rank of a node takes its own GPU.
        var device = DeviceSelection.Parse(ranks.Size > 1 && options.Device == "cuda" ? $"cuda:{CollectiveBackends.LocalRank}" : options.Device);
        var dtype = options.Dtype == TrainingPrecision.Bf16 ? ScalarType.BFloat16 : ScalarType.Float32;

        if (request.Resume && request.Overwrite)
            throw new ConfigurationException("--resume and --overwrite contradict each other: resume continues the run in the folder, overwrite deletes it.");
        using var runLock = ranks.Rank == 0 ? RunDirectoryLock.Acquire(request.OutputDirectory) : null;
        if (!request.Resume && ranks.Rank == 0) FreshStart.Prepare(request.OutputDirectory, request.Overwrite);
        ranks.Barrier();

        var rows = await DatasetReader.ReadAllAsync(request.DataPath, cancellationToken).ConfigureAwait(false);
        DatasetValidation.ThrowIfInvalid(request.DataPath, rows, row => QuestionProblem(row, request.PromptField));
        var tokenizer = HuggingFaceTokenizer.Load(request.ModelDirectory);
        Func<string, string> template = R1ZeroTemplate.Format;
        if (request.Template == PromptTemplateKind.Chat)
        {
            var chat = ChatTemplate.Load(request.ModelDirectory);
            template = q => chat.RenderPrompt(q, new ChatTemplateOptions { AddGenerationPrompt = true });
        }
        var prompts = new DatasetPromptSource(rows, row => template(Question(row, request.PromptField)), options.Seed);

        var (policy, _) = HuggingFaceCheckpoint.Load(request.ModelDirectory, device, dtype);
        LoraModel? lora = null;
        CausalLanguageModel? reference = null;
        IRolloutEngine? rollouts = null;
        ConfiguredTools? tools = null;
        GrpoPrecision? precision = null;
        try
        {
            if (options.Tools.Count > 0 && request.RemoteRollouts is { Endpoints.Count: > 0 })
                throw new ConfigurationException("tools: multi-turn tool rollouts run in-process only; remove the rollout endpoints or the tools");
            // With LoRA, π_ref is the policy itself with its adapters off (GrpoStep turns them off): no second copy.
            lora = options.Lora is { } loraOptions ? LoraModel.Attach(policy, loraOptions, StableSeed.Derive(options.Seed, 0x10A4)) : null;
            // issue 18: with bf16 mixed precision the frozen reference is kept in bf16 (unless it moves: sync_ref_model).
            var referenceDtype = options.Bf16 && !options.SyncRefModel ? ScalarType.BFloat16 : dtype;
            reference = lora is null ? ReferencePolicy.CreateFrozen(options.Beta, () => HuggingFaceCheckpoint.Load(request.ModelDirectory, device, referenceDtype).Model)
                : options.Beta > 0 ? policy : null;
            precision = GrpoPrecision.Create(policy, options); // after LoRA: the bf16 copies share its adapters
            var generation = File.Exists(Path.Combine(request.ModelDirectory, "generation_config.json"))
                ? GenerationConfig.Load(Path.Combine(request.ModelDirectory, "generation_config.json"))
                : new GenerationConfig { EosTokenIds = tokenizer.EosIds };
            IPolicyCheckpoint weights = lora is null
                ? new HuggingFacePolicyCheckpoint(policy, generation, dir => TokenizerFiles.Copy(request.ModelDirectory, dir))
                : new LoraPolicyCheckpoint(lora, Path.GetFullPath(request.ModelDirectory), dir => TokenizerFiles.Copy(request.ModelDirectory, dir));
            rollouts = request.RemoteRollouts is { Endpoints.Count: > 0 } remote
                ? RemoteEngine(WithRunOptions(remote, options, request.OutputDirectory), tokenizer, weights, ranks)
                : new InProcessRolloutEngine(precision.Rollouts, tools: (tools = await ConfiguredTools.CreateAsync(options, tokenizer,
                    request.Template == PromptTemplateKind.Chat ? ToolMessageFormat.ChatMl : ToolMessageFormat.Plain, cancellationToken: cancellationToken).ConfigureAwait(false)).Rollouts);
            var otherSettings = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["reward"] = request.RewardSpec,
                ["template"] = request.Template.ToString(),
                ["prompt_field"] = request.PromptField ?? "",
            };
            var trainer = new GrpoTrainer(policy, reference, tokenizer, rollouts, rewards, prompts, options, weights, request.OutputDirectory, otherSettings, ranks, precision);
            return await trainer.RunAsync(request.Resume ? request.ResumeFrom ?? GrpoTrainer.LatestCheckpoint : null, null, progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            (rollouts as IDisposable)?.Dispose();
            tools?.Dispose();
            precision?.Dispose();
            if (!ReferenceEquals(reference, policy)) reference?.Dispose();
            lora?.Dispose();
            policy.Dispose();
        }
    }

    // issue 17: with several ranks only rank 0 pushes the weights (they are the same on every rank) and broadcasts the
    // outcome; every rank samples its own share of the groups from the servers.
    private static IRolloutEngine RemoteEngine(RemoteRolloutOptions remote, ITextTokenizer tokenizer, IPolicyCheckpoint weights, ICollectiveBackend ranks)
    {
        var engine = new RemoteRolloutEngine(remote, tokenizer, ranks.Rank == 0 ? (dir, ct) => weights.SaveAsync(dir, ct) : null);
        return ranks.Size == 1 ? engine : new RankZeroWeightSync(engine, ranks);
    }

    // issue 17: the run's rollout_* options complete the endpoints given on the command line.
    private static RemoteRolloutOptions WithRunOptions(RemoteRolloutOptions remote, GrpoOptions options, string outputDirectory) => remote with
    {
        WeightsDirectory = remote.WeightsDirectory ?? options.RolloutSyncDir ?? Path.Combine(outputDirectory, "rollout-weights"),
        Backend = options.RolloutBackend,
        SyncSteps = options.RolloutSyncSteps,
        SyncTimeout = TimeSpan.FromSeconds(options.RolloutSyncTimeout),
        AdapterOnly = options.UsePeft,
        AdapterName = options.RolloutLoraName,
        PauseGeneration = options.RolloutPauseGeneration,
    };

    private static string? QuestionProblem(DatasetRow row, string? field)
    {
        try
        {
            Question(row, field);
            return null;
        }
        catch (DatasetFormatException e)
        {
            return e.Problem;
        }
    }

    private static string Question(DatasetRow row, string? field)
    {
        if (field is not null) return row.RequireString(field);
        foreach (var name in DefaultPromptFields)
            if (row.GetString(name) is { } text) return text;
        throw new DatasetFormatException(row.Source, row.Number, $"no prompt field (looked for {string.Join(", ", DefaultPromptFields)}; choose one with --prompt-field)");
    }
}
