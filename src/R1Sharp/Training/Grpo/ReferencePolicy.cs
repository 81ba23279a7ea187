using R1Sharp.TorchInterop;
using TorchSharp;
using R1Sharp.Checkpoints;
using R1Sharp.Models;
using static TorchSharp.torch;

namespace R1Sharp.Training.Grpo;

/// <summary>The frozen reference policy π_ref of GRPO's KL term: a copy of the starting weights that never trains.</summary>
public static class ReferencePolicy
{
    /// <summary>
    /// Loads and freezes the reference when the KL term is on (β &gt; 0); null when it is off, and then the model is
    /// not loaded at all (it would cost a second copy of the weights for nothing).
    /// </summary>
    /// <param name="beta">The KL coefficient β.</param>
    /// <param name="load">Loads a fresh copy of the starting weights; the caller disposes the returned model.</param>
    public static CausalLanguageModel? CreateFrozen(double beta, Func<CausalLanguageModel> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        return beta > 0 ? Freeze(load()) : null;
    }

    /// <summary>Turns off gradients for every parameter and puts the model in evaluation mode; returns it.</summary>
    public static CausalLanguageModel Freeze(CausalLanguageModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var p in model.parameters()) p.requires_grad = false;
        model.eval();
        return model;
    }

    /// <summary>File of a checkpoint that holds π_ref's weights when the reference moves (<c>sync_ref_model</c>).</summary>
    public const string CheckpointFileName = "reference.safetensors";

    /// <summary>
    /// TR-DPO's soft update (Gorbatovski et al. 2024; TRL's <c>SyncRefModelCallback</c>): every parameter of π_ref becomes
    /// <c>α·θ + (1 − α)·θ_ref</c>, in place. α = 1 copies the policy, α = 0 leaves the reference as it was.
    /// </summary>
    /// <param name="reference">The reference (a separate model with the policy's architecture).</param>
    /// <param name="policy">The trained policy.</param>
    /// <param name="alpha">The mix-up weight α (<c>ref_model_mixup_alpha</c>).</param>
    public static void MixIn(CausalLanguageModel reference, CausalLanguageModel policy, double alpha)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(policy);
        if (ReferenceEquals(reference, policy)) throw new ArgumentException("the reference is the policy itself (LoRA): there is no separate model to update", nameof(reference));
        var source = policy.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var noGrad = no_grad();
        foreach (var (name, target) in reference.named_parameters())
        {
            if (!source.TryGetValue(name, out var value))
                throw new ArgumentException($"the policy has no parameter '{name}' to mix into the reference", nameof(policy));
            using var keep = (1 - alpha).ToScalar();
            target.mul_(keep).PlusScaledInPlace(value.to_type(target.dtype), alpha);
        }
    }

    /// <summary>Writes π_ref's parameters to <paramref name="path"/> (safetensors, atomically).</summary>
    public static void Save(CausalLanguageModel reference, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        SafetensorsWriter.Write(path, [.. reference.named_parameters().Select(p => (p.name, p.parameter.detach()))], cancellationToken: cancellationToken);
    }

    /// <summary>Replaces π_ref's parameters with those in <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is missing or lacks one of the reference's parameters (both named).</exception>
    public static void Load(CausalLanguageModel reference, string path)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (!File.Exists(path))
            throw new InvalidDataException($"{path}: missing; a run with sync_ref_model keeps its moving reference there, so this checkpoint cannot resume it exactly.");
        using var file = SafetensorsFile.Open(path);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in reference.named_parameters())
        {
            if (!file.Entries.ContainsKey(name)) throw new InvalidDataException($"{path}: no tensor '{name}'.");
            file.CopyInto(name, parameter);
        }
    }
}
