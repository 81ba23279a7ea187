using R1Sharp.Models;
using R1Sharp.Training.Configuration;
using R1Sharp.Training.LanguageModeling;
using static TorchSharp.torch;

namespace R1Sharp.Training.Grpo;

/// <summary>
/// Which copy of the policy each part of a GRPO step runs on (issue 18): <c>bf16: true</c> trains on a bfloat16 copy
/// with the float32 policy as master (<see cref="MixedPrecisionModel"/>), and <c>rollout_dtype: bfloat16</c> samples from
/// a bfloat16 copy — the training copy when there is one, else a frozen copy of its own. Both copies are refreshed from
/// the float32 master: the training copy after every optimizer step, the rollout copy once the step's updates are done,
/// and both after a checkpoint load. Without either option every part runs on the policy itself and this adds nothing.
/// </summary>
/// <remarks>Build it before the rollout engine, which must sample from <see cref="Rollouts"/>; the caller disposes it
/// (before the policy's LoRA adapters, which the copies share).</remarks>
public sealed class GrpoPrecision : IDisposable
{
    private readonly MixedPrecisionModel? _rolloutCopy;

    private GrpoPrecision(CausalLanguageModel policy, MixedPrecisionModel? training, MixedPrecisionModel? rolloutCopy, CausalLanguageModel rollouts)
    {
        Policy = policy;
        Training = training;
        _rolloutCopy = rolloutCopy;
        Rollouts = rollouts;
    }

    /// <summary>The copies <paramref name="options"/> ask for over <paramref name="policy"/> (none for a float32 run).</summary>
    /// <param name="policy">The trained model: the float32 master (LoRA adapters, if any, already attached).</param>
    /// <param name="options">Reads <c>bf16</c> and <c>rollout_dtype</c>.</param>
    /// <exception cref="NotSupportedException">A bf16 copy of a policy that is not float32.</exception>
    public static GrpoPrecision Create(CausalLanguageModel policy, GrpoOptions options)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(options);
        var training = options.Bf16 ? new MixedPrecisionModel(policy) : null;
        MixedPrecisionModel? rollouts = null;
        if (options.RolloutDtype == RolloutDtype.Bfloat16 && training is null && policy.Dtype != ScalarType.BFloat16)
        {
            rollouts = new MixedPrecisionModel(policy);
            ReferencePolicy.Freeze(rollouts.Compute); // sampled from, never trained
        }
        var sampler = options.RolloutDtype == RolloutDtype.Bfloat16 ? rollouts?.Compute ?? training?.Compute ?? policy : policy;
        return new GrpoPrecision(policy, training, rollouts, sampler);
    }

    /// <summary>The float32 policy: what the optimizer steps and checkpoints save.</summary>
    public CausalLanguageModel Policy { get; }

    /// <summary>The bf16 training copy with the policy as master (<c>bf16: true</c>); null when training runs on the policy.</summary>
    public MixedPrecisionModel? Training { get; }

    /// <summary>The model the training forward and backward (and π_old's, the entropies') run on.</summary>
    public CausalLanguageModel TrainingForward => Training?.Compute ?? Policy;

    /// <summary>The model in-process rollouts sample from.</summary>
    public CausalLanguageModel Rollouts { get; }

    /// <summary>True when rollouts sample in another precision than the training forward computes log-probs in: the
    /// trainer then corrects the mismatch (<see cref="RolloutImportanceCorrection"/>).</summary>
    public bool RolloutsDifferFromTraining => Rollouts.Dtype != TrainingForward.Dtype;

    /// <summary>Adds the bf16 training copy's gradients into the float32 masters' (after each micro-batch's backward).</summary>
    public void AccumulateGradients() => Training?.AccumulateGradients();

    /// <summary>Rounds the updated masters into the training copy (after every optimizer step).</summary>
    public void AfterOptimizerStep() => Training?.CopyMasterToCompute(trainableOnly: true);

    /// <summary>Rounds the updated masters into the rollout copy (once a step's updates are done, before the next sampling).</summary>
    public void RefreshRollouts() => _rolloutCopy?.CopyMasterToCompute(trainableOnly: true);

    /// <summary>Copies every master weight into both copies (after a checkpoint was loaded into the policy).</summary>
    public void AfterLoad()
    {
        Training?.CopyMasterToCompute();
        _rolloutCopy?.CopyMasterToCompute();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _rolloutCopy?.Dispose();
        Training?.Dispose();
    }
}
