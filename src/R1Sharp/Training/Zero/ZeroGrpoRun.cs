using R1Sharp.Distributed;
using R1Sharp.Models;
using R1Sharp.Tasks;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.Grpo;
using R1Sharp.Training.Rollouts;
using TorchSharp;
using static TorchSharp.torch;

namespace R1Sharp.Training.Zero;

/// <summary>
/// GRPO on the built-in tasks, wired as <c>r1 zero</c> runs it and <c>r1 distill-zero</c>'s RL arm repeats it:
/// R1-Zero prompts of training stream 1, the accuracy + format rewards, in-process rollouts, and a frozen reference
/// loaded from the base model's directory when β &gt; 0.
/// </summary>
public static class ZeroGrpoRun
{
    /// <summary>Trains <paramref name="policy"/> in place.</summary>
    /// <param name="policy">The model to train (a built-in model).</param>
    /// <param name="config">Its configuration (to build the reference).</param>
    /// <param name="baseDirectory">Where the starting weights are saved (the reference is loaded from there).</param>
    /// <param name="suite">The tasks (prompts and checkers).</param>
    /// <param name="tokenizer">The task tokenizer.</param>
    /// <param name="grpo">The GRPO options.</param>
    /// <param name="runDirectory">The run's directory (metrics, checkpoints).</param>
    /// <param name="resume">Continue from the newest checkpoint in <paramref name="runDirectory"/>.</param>
    /// <param name="evaluate">Optional held-out evaluation.</param>
    /// <param name="progress">Receives each step.</param>
    /// <param name="cancellationToken">Stops between steps.</param>
    /// <param name="ranks">Data-parallel ranks (issue 17): prompt groups are shared among them; null for one process.</param>
    /// <param name="tools">Multi-turn rollouts with tool calls (<c>r1 zero --tools</c>), or null (default) for single-turn completions.</param>
    /// <exception cref="ConfigurationException">Invalid options or reward weights.</exception>
    public static async Task<GrpoRunResult> RunAsync(CausalLanguageModel policy, ModelConfig config, string baseDirectory, TaskSuite suite,
        TaskTokenizer tokenizer, GrpoOptions grpo, string runDirectory, bool resume, GrpoEvaluation? evaluate, IProgress<GrpoProgress>? progress,
        CancellationToken cancellationToken, ICollectiveBackend? ranks = null, ToolCallingRollouts? tools = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(grpo);
        // issue 18: with bf16 mixed precision the frozen reference is kept in bf16 (unless it moves: sync_ref_model).
        using var reference = ReferencePolicy.CreateFrozen(grpo.Beta, () => grpo.Bf16 && !grpo.SyncRefModel
            ? Load(config, policy.Device, tokenizer, baseDirectory).to(ScalarType.BFloat16)
            : Load(config, policy.Device, tokenizer, baseDirectory));
        await using var rewards = TaskRewards.CreateComposer(suite, grpo.RewardWeights);
        using var precision = GrpoPrecision.Create(policy, grpo); // issue 18: bf16 / rollout_dtype copies (none by default)
        var trainer = new GrpoTrainer(policy, reference, tokenizer, new InProcessRolloutEngine(precision.Rollouts, tools: tools), rewards,
            new TaskPromptSource(suite), grpo, BuiltInModel.Checkpoint(policy, tokenizer), runDirectory, precision: precision, ranks: ranks);
        return await trainer.RunAsync(resume, evaluate, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A built-in model with the weights saved in <paramref name="directory"/>.</summary>
    public static CausalLanguageModel Load(ModelConfig config, Device device, TaskTokenizer tokenizer, string directory)
    {
        // The seed only initialises weights that the load then overwrites.
        var model = CausalLanguageModel.Create(config, device, ScalarType.Float32, seed: 0);
        BuiltInModel.Checkpoint(model, tokenizer).Load(directory);
        return model;
    }
}
